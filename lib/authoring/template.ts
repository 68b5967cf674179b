// The text a new exercise starts from: complete and valid (three checks on one Pod), so an
// author edits a working exercise instead of recalling the format.
export function exerciseTemplate(): string {
  return `# A new exercise. Ctrl-Space completes keys; problems are underlined.
id: my-first-pod
title: { zh-CN: 创建一个 Pod, en: Create a Pod }
description: { zh-CN: 创建一个运行 busybox 的 Pod。, en: Create a Pod that runs busybox. }
difficulty: beginner
estimatedMinutes: 5
tasks:
  zh-CN: 创建名为 \`web\` 的 Pod，镜像为 \`busybox\`，运行 \`sleep 3600\`。
  en: Create a Pod named \`web\` from the image \`busybox\` that runs \`sleep 3600\`.
checks:
  - id: web-exists
    kind: podExists
    params: { pod: web }
    title: { zh-CN: Pod web 存在, en: The Pod web exists }
    failureMessage: { zh-CN: "还没有 {pod}：{observed}", en: "No {pod} yet: {observed}" }
    hints:
      - { zh-CN: 用 kubectl run。, en: Use kubectl run. }
  - id: web-running
    kind: podPhase
    params: { pod: web, phase: Running }
    title: { zh-CN: web 正在运行, en: web is Running }
    failureMessage: { zh-CN: "{pod} 不在运行：{observed}", en: "{pod} is not Running: {observed}" }
    hints:
      - { zh-CN: 看看 kubectl get pod web。, en: Look at kubectl get pod web. }
  - id: web-one-container
    kind: containers
    params: { pod: web, count: 1 }
    title: { zh-CN: web 只有一个容器, en: web has one container }
    failureMessage: { zh-CN: "{observed}", en: "{observed}" }
    hints:
      - { zh-CN: kubectl run 创建一个容器。, en: kubectl run makes one container. }
solution:
  commands: ["kubectl run web --image=busybox -- sleep 3600"]
  explanation: { zh-CN: kubectl run 创建一个单容器 Pod。, en: kubectl run creates a one-container Pod. }
`;
}
