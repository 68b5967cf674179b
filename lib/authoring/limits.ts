// Caps on what an author may send: an exercise file is a few KB; these leave ample room.
export const MAX_EXERCISE_YAML_CHARS = 256 * 1024;
