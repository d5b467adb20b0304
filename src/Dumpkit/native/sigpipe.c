/* Copyright (c) The Dumpkit authors.
 * Licensed under the MIT License. See LICENSE in the repository root.
 *
 * The NativeAOT runtime ignores SIGPIPE before Main runs, so Main cannot see whether the process was started with
 * SIGPIPE ignored (trap '' PIPE): a constructor, run by ld.so before the runtime starts, notes it. */
#include <signal.h>
#include <stddef.h>

static int sigpipe_ignored;

__attribute__((constructor)) static void dumpkit_capture_signals(void)
{
    struct sigaction old;
    if (sigaction(SIGPIPE, NULL, &old) == 0)
        sigpipe_ignored = old.sa_handler == SIG_IGN;
}

int dumpkit_sigpipe_ignored_at_start(void)
{
    return sigpipe_ignored;
}
