/*
 * gate.c — where a lab process waits for the runner, one step at a time.
 *
 * SIGUSR1 is blocked for the whole life of the process (the mask is inherited
 * across fork and exec), and the gate waits for it with sigwaitinfo().  A
 * blocked signal that arrives before we wait stays pending, so a release the
 * runner sends early is never lost.  (raise(SIGSTOP) + SIGCONT would lose it,
 * and SIGCONT would also wake a SIGCHLD handler.)
 *
 * When FORKSCOPE_STEP is not "1" the gates are open: the programs run freely.
 */
#include "unp.h"

#include <signal.h>

static int stepping;
static volatile sig_atomic_t skipping;	/* gate_skip(): inside a signal handler whose calls are not gated */

void
gate_init(void)
{
	sigset_t set;
	const char *env = getenv("FORKSCOPE_STEP");

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		err_sys_at(__FILE__, __LINE__, "sigprocmask error", errno);
	stepping = env != NULL && strcmp(env, "1") == 0;
}

void
gate_wait(void)
{
	sigset_t set;

	if (!stepping || skipping)
		return;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	for ( ; ; ) {
		if (sigwaitinfo(&set, NULL) == SIGUSR1)
			return;
		if (errno != EINTR)
			err_sys_at(__FILE__, __LINE__, "sigwaitinfo error", errno);
	}
}

/*
 * The sandbox's SIGCHLD handler reaps as part of the step that caused it: its
 * waitpid calls write their events but wait at no gate.  Returns the previous
 * setting, to restore.
 */
int
gate_skip(int on)
{
	int was = skipping;

	skipping = on;
	return was;
}
