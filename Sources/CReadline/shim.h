// GNU readline (Debian: libreadline-dev) for the REPL.
#include <stdio.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <readline/readline.h>
#include <readline/history.h>

// glibc declares ppoll only under _GNU_SOURCE, which Swift's Glibc module does not set.
extern int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout, const sigset_t *sigmask);

/// Waits until `fd` is readable with the signal mask `mask` in force only during the wait
/// (atomically), so a signal blocked around the caller's flag check cannot be missed.
/// Returns ppoll's result (-1 with errno EINTR when a signal arrived).
static inline int palm_wait_readable(int fd, const sigset_t *mask) {
    struct pollfd request = { fd, POLLIN, 0 };
    return ppoll(&request, 1, NULL, mask);
}
