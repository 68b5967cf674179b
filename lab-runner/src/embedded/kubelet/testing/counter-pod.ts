// The course's own example, verbatim: the `counter` Pod whose `count` container appends a line
// to /var/log/1.log every second on a hostPath volume, and whose `count-log` sidecar tails it
// through the same volume. Tests and the kubelet bench all run this one manifest.
export const COUNTER_YAML = `# Pod-counter.yaml
apiVersion: v1
kind: Pod
metadata:
  name: counter
spec:
  volumes:
    - name: varlog
      hostPath:
        path: /var/log/counter
  containers:
    - name: count
      image: busybox
      args:
        - /bin/sh
        - -c
        - >
          i=0;
          while true;
          do
            echo "$i: $(date)" >> /var/log/1.log;
            i=$((i+1));
            sleep 1;
          done
      volumeMounts:
        - name: varlog
          mountPath: /var/log
    - name: count-log
      image: busybox
      args: [/bin/sh, -c, 'tail -n+1 -f /opt/log/1.log']
      volumeMounts:
        - name: varlog
          mountPath: /opt/log
`;
