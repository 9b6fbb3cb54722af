/*
 * reaper.c — starts one lab program for the runner, and reaps what it leaves.
 *
 *   reaper PATH ARGV0 [ARGS...]
 *
 * Why it exists: when a session ends, the runner kills the server, whose
 * unreaped children (zombies, on purpose: that is lesson material) are then
 * re-parented.  Without a subreaper they go to PID 1, and not every PID 1 reaps
 * (in containers and small VMs it often does not), so they would stay forever.
 * The reaper is a child subreaper (PR_SET_CHILD_SUBREAPER): orphans of the lab
 * come to it and it reaps them.  It exits when it has no children left.
 *
 * What it does:
 *   - blocks SIGUSR1 before exec, so a gate release that arrives before the
 *     program has set up its gate stays pending instead of killing it;
 *   - puts the program in its own process group, so the runner can kill the
 *     program and all its children with one kill(-pgid, SIGKILL);
 *   - closes every descriptor but 0, 1 and 2, so listenfd is 3 as in the book;
 *   - writes {"kind":"lab-launched"} and {"kind":"lab-reaped"} lines (runner-
 *     internal, never in a trace) on stdout, which it shares with the program;
 *     the launch is stamped before fork, so its `t` is earlier than any event
 *     of the program, however late the reaper runs again after fork;
 *   - dies with the runner: on parent death (SIGTERM via PR_SET_PDEATHSIG) it
 *     kills the program's group, reaps everything, and exits.
 */
#define _GNU_SOURCE 1

#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t group;		/* the program's process group, once known */
static volatile sig_atomic_t terminated;	/* the runner is gone, or asked us to end */

static unsigned long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long) ts.tv_sec * 1000000000ULL + (unsigned long long) ts.tv_nsec;
}

static void
line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
line(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n <= 0 || n >= (int) sizeof(buf))
		return;
	while (write(STDOUT_FILENO, buf, n) < 0 && errno == EINTR)
		;
}

static const char *
sig_name(int sig)
{
	static char other[16];

	switch (sig) {
	case SIGKILL: return "SIGKILL";
	case SIGTERM: return "SIGTERM";
	case SIGINT:  return "SIGINT";
	case SIGHUP:  return "SIGHUP";
	case SIGSEGV: return "SIGSEGV";
	case SIGABRT: return "SIGABRT";
	case SIGBUS:  return "SIGBUS";
	case SIGFPE:  return "SIGFPE";
	case SIGILL:  return "SIGILL";
	case SIGPIPE: return "SIGPIPE";
	case SIGUSR1: return "SIGUSR1";
	case SIGUSR2: return "SIGUSR2";
	case SIGALRM: return "SIGALRM";
	case SIGQUIT: return "SIGQUIT";
	case SIGSYS:  return "SIGSYS";
	}
	snprintf(other, sizeof(other), "SIG%d", sig);
	return other;
}

static void
on_term(int sig)
{
	(void) sig;
	terminated = 1;
	if (group > 0)
		kill(-group, SIGKILL);
}

static void
close_from(int lowfd)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, lowfd, ~0U, 0) == 0)
		return;
#endif
	for (long fd = lowfd, max = sysconf(_SC_OPEN_MAX); fd < (max > 0 ? max : 1024); fd++)
		close((int) fd);
}

int
main(int argc, char **argv)
{
	const char *env = getenv("FORKSCOPE_PPID");
	pid_t runner = env != NULL ? (pid_t) atol(env) : getppid();
	pid_t self = getpid(), pid, w;
	unsigned long long launched;
	sigset_t usr1;
	struct sigaction sa;
	char ppid[32];
	int status;

	if (argc < 3) {
		fprintf(stderr, "usage: reaper PATH ARGV0 [ARGS...]\n");
		return 2;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;	/* no SA_RESTART: waitpid returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* Once the runner is gone nobody reads our reports: a write must fail with EPIPE,
	 * not kill us before every orphan has been reaped. */
	signal(SIGPIPE, SIG_IGN);

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 || prctl(PR_SET_PDEATHSIG, SIGTERM) < 0) {
		perror("reaper: prctl");
		return 1;
	}
	if (getppid() != runner)
		return 1;	/* the runner is already gone */

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);	/* inherited by the program, across exec */

	launched = now_ns();	/* before fork: the child may run, exec and write its first event first */
	if ( (pid = fork()) < 0) {
		perror("reaper: fork");
		return 1;
	}
	if (pid == 0) {
		struct sigaction dfl;

		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		sigaction(SIGTERM, &dfl, NULL);
		sigaction(SIGINT, &dfl, NULL);
		sigaction(SIGHUP, &dfl, NULL);
		sigaction(SIGPIPE, &dfl, NULL);	/* the lab programs rely on SIGPIPE (a write after RST) */
		setpgid(0, 0);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != self)
			_exit(127);
		close_from(3);
		snprintf(ppid, sizeof(ppid), "%ld", (long) self);
		setenv("FORKSCOPE_PPID", ppid, 1);
		execv(argv[1], argv + 2);
		line("{\"kind\":\"lab-exec-failed\",\"t\":%llu,\"pid\":%ld,\"errno\":%d}\n", now_ns(), (long) getpid(), errno);
		_exit(127);
	}
	setpgid(pid, pid);	/* both sides set it: whichever runs first, it is set before anyone relies on it */
	group = pid;
	if (terminated)
		kill(-pid, SIGKILL);
	line("{\"kind\":\"lab-launched\",\"t\":%llu,\"pid\":%ld,\"ppid\":%ld,\"pgid\":%ld}\n",
	     launched, (long) pid, (long) self, (long) pid);

	for ( ; ; ) {
		w = waitpid(-1, &status, 0);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				return 0;	/* nothing left to reap */
			perror("reaper: waitpid");
			return 1;
		}
		if (WIFEXITED(status))
			line("{\"kind\":\"lab-reaped\",\"t\":%llu,\"pid\":%ld,\"status\":%d,\"signal\":null}\n",
			     now_ns(), (long) w, WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			line("{\"kind\":\"lab-reaped\",\"t\":%llu,\"pid\":%ld,\"status\":null,\"signal\":\"%s\"}\n",
			     now_ns(), (long) w, sig_name(WTERMSIG(status)));
	}
}
