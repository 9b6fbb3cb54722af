/*
 * signal.c — Stevens' Signal (lib/signal.c) and Signal_intr (lib/signal_intr.c):
 * sigaction with an empty mask, with SA_RESTART (Signal, except for SIGALRM) or
 * without it (Signal_intr), as a `sigaction` call event.
 */
#include "unp.h"

static const char *
handler_name(Sigfunc *func, const char *name)
{
	if (func == SIG_DFL)
		return "SIG_DFL";
	if (func == SIG_IGN)
		return "SIG_IGN";
	return name;	/* the handler's name as the caller wrote it: "sig_chld" */
}

Sigfunc *
lab_Signal(const char *file, int line, int signo, Sigfunc *func, const char *name, int restart)
{
	struct sigaction act, oact;
	struct ev e;
	int n, err;

	act.sa_handler = func;
	sigemptyset(&act.sa_mask);
	act.sa_flags = 0;
	if (restart && signo != SIGALRM)
		act.sa_flags |= SA_RESTART;	/* SVR4, 4.4BSD: slow calls are restarted */

	ev_call(&e, "sigaction", file, line);
	ev_key_str(&e, "sig", signal_name(signo));
	ev_key_str(&e, "handler", handler_name(func, name));
	ev_key_str(&e, "flags", act.sa_flags & SA_RESTART ? "SA_RESTART" : "0");
	ev_call_send(&e);
	gate_wait();

	n = sigaction(signo, &act, &oact);
	err = n < 0 ? errno : 0;
	ev_return(&e, "sigaction", n, err);
	ev_send(&e);
	if (n < 0)
		err_call(file, line, "signal error", err);
	return oact.sa_handler;
}

/*
 * Would the kernel restart a slow system call (accept, read) that a caught
 * signal interrupted?  Only if every handler this program installed has
 * SA_RESTART: we cannot tell which one ran, and a lab program catches at most
 * SIGCHLD (and, in a server's child, the lab's own parent-death signal, which
 * has SA_RESTART).
 */
int
lab_restarts(void)
{
	struct sigaction sa;
	int signo;

	for (signo = 1; signo < NSIG; signo++) {
		if (signo == SIGKILL || signo == SIGSTOP || sigaction(signo, NULL, &sa) < 0)
			continue;
		if (sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN && !(sa.sa_flags & SA_RESTART))
			return 0;
	}
	return 1;
}
