/* sockhold: holds sockets open in one known process for tests/lab/panic-dumps.sh's `sockets` kind, so that a
 * dump's `net -s` has something to show. On loopback (lo must be up):
 *   fd 3 TCP listening 127.0.0.1:5555, fd 4 TCP connected to it, fd 5 the accepted end,
 *   fd 6 UDP bound 127.0.0.1:5556 and connected to 127.0.0.1:5557, fd 7 TCP listening [::1]:5558,
 *   fd 8/9 a unix stream socketpair, fd 10 a unix datagram socket bound to /tmp/lab.sock.
 * Prints "SOCKHOLD-READY pid N" on stdout once all are open, then sleeps until killed; with the argument `crash` it
 * syncs and crashes the kernel (sysrq c) instead, so that the task holding the sockets is the one that panicked: run as
 * PID 1 (exec from /init) it is then one of the three tasks crash 8.0.2 finds on Debian's 6.1 kernels. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void inet4(struct sockaddr_in *a, int port) {
    memset(a, 0, sizeof *a);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

int main(int argc, char **argv) {
    struct sockaddr_in a;
    int one = 1;
    int l = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    inet4(&a, 5555);
    if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 4)) { perror("tcp listen"); return 1; }
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&a, sizeof a)) { perror("tcp connect"); return 1; }
    int s = accept(l, 0, 0);
    if (s < 0) { perror("accept"); return 1; }
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    inet4(&a, 5556);
    if (bind(u, (struct sockaddr *)&a, sizeof a)) { perror("udp bind"); return 1; }
    inet4(&a, 5557);
    if (connect(u, (struct sockaddr *)&a, sizeof a)) { perror("udp connect"); return 1; }
    struct sockaddr_in6 a6;
    memset(&a6, 0, sizeof a6);
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons(5558);
    a6.sin6_addr = in6addr_loopback;
    int l6 = socket(AF_INET6, SOCK_STREAM, 0);
    if (bind(l6, (struct sockaddr *)&a6, sizeof a6) || listen(l6, 4)) perror("tcp6 listen");
    int sp[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp)) { perror("socketpair"); return 1; }
    struct sockaddr_un un;
    memset(&un, 0, sizeof un);
    un.sun_family = AF_UNIX;
    strcpy(un.sun_path, "/tmp/lab.sock");
    unlink(un.sun_path);
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (bind(d, (struct sockaddr *)&un, sizeof un)) perror("unix bind");
    printf("SOCKHOLD-READY pid %d fds %d %d %d %d %d %d %d %d\n", (int)getpid(), l, c, s, u, l6, sp[0], sp[1], d);
    fflush(stdout);
    if (argc > 1 && strcmp(argv[1], "crash") == 0) {
        sync();
        int t = open("/proc/sysrq-trigger", O_WRONLY);
        if (t < 0 || write(t, "c", 1) != 1) perror("sysrq-trigger");
    }
    for (;;) pause();
}
