// A small valid exercise in the author's own words (a leading comment), for the authoring tests.
export function exerciseYaml(id: string, pod: string, comment = ''): string {
  return `# ${comment || 'an exercise written in the browser'}
id: ${id}
title: { zh-CN: 创建 ${pod}, en: Create ${pod} }
description: { zh-CN: 创建一个 Pod, en: Create one Pod }
difficulty: beginner
estimatedMinutes: 5
tasks: { zh-CN: 创建 Pod ${pod}, en: Create the Pod ${pod} }
checks:
  - id: pod-exists
    kind: podExists
    params: { pod: ${pod} }
    title: { zh-CN: Pod 存在, en: The Pod exists }
    failureMessage: { zh-CN: "没有 {pod}：{observed}", en: "No {pod}: {observed}" }
    hints:
      - { zh-CN: 用 kubectl run, en: Use kubectl run }
solution:
  commands: ["kubectl run ${pod} --image=busybox -- sleep 3600"]
  explanation: { zh-CN: 这样做, en: Like this }
`;
}
