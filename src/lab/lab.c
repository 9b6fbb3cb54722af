/*
 * lab.c — a lab process's identity and lifetime, and Stevens-style error handling.
 */
#include "unp.h"

#include <signal.h>
#include <stdarg.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

char lab_role[32] = "?";

static pid_t session;	/* the runner's reaper that started this program: our session */

/* Die with the process that started us, and close the race of it dying first. */
static void
die_with(pid_t expected_parent)
{
#ifdef __linux__
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		err_sys_at(__FILE__, __LINE__, "prctl(PR_SET_PDEATHSIG) error", errno);
#endif
	if (getppid() != expected_parent)
		_exit(1);	/* our parent is already gone: so is the session */
}

/*
 * A server's child whose parent died.  The kernel has already given it a new
 * parent: the reaper (a child subreaper) while the session lasts.  Then the
 * child lives on, as it would without forkscope (a child that outlives a killed
 * server is lesson material), and from now on dies with the reaper.  Else the
 * session is gone, and so are we.
 */
static void
parent_died(int signo)
{
	struct ev e;
	int saved = errno;

#ifdef __linux__
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		_exit(1);
#endif
	if (getppid() != session)
		_exit(1);
	ev_begin(&e, "signal");		/* the lab's own check, shown as what it is */
	ev_key_str(&e, "signal", signal_name(signo));
	ev_key_str(&e, "from", "lab");
	ev_send(&e);
	errno = saved;
}

void
lab_init(const char *role)
{
	const char *env = getenv("FORKSCOPE_PPID");
	pid_t expected = env != NULL ? (pid_t) atol(env) : getppid();

	snprintf(lab_role, sizeof(lab_role), "%s", role);
	session = expected;
	gate_init();
	die_with(expected);
}

void
lab_become_child(int n, pid_t parent)
{
	struct sigaction sa;

	snprintf(lab_role, sizeof(lab_role), "child#%d", n);
	/* The death signal is not inherited across fork.  A child's is SIGUSR2, which
	 * parent_died() turns into SIGKILL only if the session is gone too. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = parent_died;
	sa.sa_flags = SA_RESTART;	/* the child's read goes on as if nothing happened */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR2, &sa, NULL) < 0)
		err_sys_at(__FILE__, __LINE__, "sigaction(SIGUSR2) error", errno);
#ifdef __linux__
	if (prctl(PR_SET_PDEATHSIG, SIGUSR2) < 0)
		err_sys_at(__FILE__, __LINE__, "prctl(PR_SET_PDEATHSIG) error", errno);
#endif
	if (getppid() != parent)
		parent_died(SIGUSR2);	/* it died before we asked */
}

const char *
lab_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

const char *
errno_name(int err)
{
	static char unknown[16];

	switch (err) {
#define E(name) case name: return #name;
	E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(ENOEXEC)
	E(EBADF) E(ECHILD) E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT) E(EBUSY)
	E(EEXIST) E(ENODEV) E(ENOTDIR) E(EISDIR) E(EINVAL) E(ENFILE) E(EMFILE)
	E(ENOSPC) E(ESPIPE) E(EPIPE) E(ERANGE) E(ENOSYS) E(ENOTSOCK)
	E(EDESTADDRREQ) E(EMSGSIZE) E(EPROTOTYPE) E(ENOPROTOOPT)
	E(EPROTONOSUPPORT) E(EOPNOTSUPP) E(EAFNOSUPPORT) E(EADDRINUSE)
	E(EADDRNOTAVAIL) E(ENETDOWN) E(ENETUNREACH) E(ECONNABORTED)
	E(ECONNRESET) E(ENOBUFS) E(EISCONN) E(ENOTCONN) E(ETIMEDOUT)
	E(ECONNREFUSED) E(EHOSTUNREACH) E(EALREADY) E(EINPROGRESS) E(EPROTO)
#undef E
	}
	snprintf(unknown, sizeof(unknown), "E%d", err);
	return unknown;
}

const char *
signal_name(int sig)
{
	static char unknown[16];

	switch (sig) {
#define S(name) case name: return #name;
	S(SIGHUP) S(SIGINT) S(SIGQUIT) S(SIGILL) S(SIGTRAP) S(SIGABRT) S(SIGBUS)
	S(SIGFPE) S(SIGKILL) S(SIGUSR1) S(SIGSEGV) S(SIGUSR2) S(SIGPIPE)
	S(SIGALRM) S(SIGTERM) S(SIGCHLD) S(SIGCONT) S(SIGSTOP) S(SIGTSTP)
	S(SIGTTIN) S(SIGTTOU) S(SIGURG) S(SIGXCPU) S(SIGXFSZ) S(SIGVTALRM)
	S(SIGPROF) S(SIGWINCH) S(SIGSYS)
#undef S
	}
	snprintf(unknown, sizeof(unknown), "SIG%d", sig);
	return unknown;
}

/* "a.b.c.d:port", "[v6]:port", or "0.0.0.0:0" for an unbound socket. */
char *
sock_ntop(const struct sockaddr *sa, socklen_t salen, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET && salen >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *) sa;
		inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof(addr));
		snprintf(buf, len, "%s:%u", addr, ntohs(sin->sin_port));
	} else if (sa->sa_family == AF_INET6 && salen >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) sa;
		inet_ntop(AF_INET6, &sin6->sin6_addr, addr, sizeof(addr));
		snprintf(buf, len, "[%s]:%u", addr, ntohs(sin6->sin6_port));
	} else
		snprintf(buf, len, "0.0.0.0:0");
	return buf;
}

/* The port of an AF_INET or AF_INET6 address; 0 for another family. */
unsigned
sock_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *) sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *) sa)->sin6_port);
	return 0;
}

/*
 * Stevens' err_sys: a system call failed, which this program does not handle.
 * Say so (as an `output` event on the stderr stream, so it carries our pid)
 * and exit non-zero.  The wrapper has already written the return event.
 */
void
err_sys_at(const char *file, int line, const char *what, int err)
{
	char msg[256];
	int n;

	n = snprintf(msg, sizeof(msg), "%s:%d: %s: %s\n", lab_basename(file), line, what, strerror(err));
	ev_output("stderr", msg, n < (int) sizeof(msg) ? (size_t) n : sizeof(msg) - 1);
	exit(1);
}

static int errors_fatal = 1;	/* lab_errors_fatal() */

/*
 * Whether a wrapper's failed call ends the process (Stevens' err_sys: the
 * default, and what server.c and client.c rely on), or is only an outcome: the
 * wrapper has written the return event with its errno and returns -1 to the
 * caller, which goes on.  The sandbox runs a student's plan, where a failed
 * call (a second close, a bind while TIME_WAIT holds the port) is the lesson.
 */
void
lab_errors_fatal(int on)
{
	errors_fatal = on;
}

/* A wrapper's call failed with err (its return event is written). */
void
err_call(const char *file, int line, const char *what, int err)
{
	if (errors_fatal)
		err_sys_at(file, line, what, err);
}

/* A usage error, before anything happened: plain text on stderr. */
void
err_quit(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (n > (int) sizeof(msg) - 2)
		n = sizeof(msg) - 2;
	msg[n++] = '\n';
	if (write(STDERR_FILENO, msg, n) < 0)
		_exit(2);
	exit(2);
}
