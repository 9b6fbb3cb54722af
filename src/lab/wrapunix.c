/*
 * wrapunix.c — process and descriptor wrappers, after Stevens' lib/wrapunix.c.
 */
#include "unp.h"

static int nforks;	/* how many times this process has called fork: names the children */

pid_t
lab_Fork(const char *file, int line)
{
	struct ev e;
	pid_t pid, parent = getpid();
	int err;

	ev_call(&e, "fork", file, line);
	ev_call_send(&e);
	gate_wait();

	nforks++;
	pid = fork();
	err = pid < 0 ? errno : 0;
	if (pid == 0) {
		lab_become_child(nforks, parent);	/* now "child#N", and dies with its parent */
		nforks = 0;
		ev_return(&e, "fork", 0, 0);
		ev_key_int(&e, "ppid", (long long) getppid());
	} else
		ev_return(&e, "fork", pid, err);
	ev_send(&e);
	if (pid < 0)
		err_call(file, line, "fork error", err);
	return pid;
}

void
lab_Close(const char *file, int line, int fd)
{
	struct ev e;
	int n, err;

	ev_call(&e, "close", file, line);
	ev_key_int(&e, "fd", fd);
	ev_call_send(&e);
	gate_wait();

	n = close(fd);
	err = n < 0 ? errno : 0;
	ev_return(&e, "close", n, err);
	ev_send(&e);
	if (n < 0)
		err_call(file, line, "close error", err);
}

ssize_t
lab_Read(const char *file, int line, int fd, void *ptr, size_t nbytes)
{
	struct ev e;
	ssize_t n;
	int err;

	ev_call(&e, "read", file, line);
	ev_key_int(&e, "fd", fd);
	ev_key_int(&e, "count", (long long) nbytes);
	ev_call_send(&e);
	gate_wait();

	n = read(fd, ptr, nbytes);
	err = n < 0 ? errno : 0;
	ev_return(&e, "read", n, err);
	if (n >= 0 && ev_key_bytes(&e, "data", ptr, (size_t) n))
		ev_key_bool(&e, "truncated", 1);	/* data shows only the start of what was read */
	ev_send(&e);
	if (n < 0)
		err_call(file, line, "read error", err);
	return n;
}

/* Like Stevens' Writen: all nbytes are written (a short write is continued). */
void
lab_Write(const char *file, int line, int fd, const void *ptr, size_t nbytes)
{
	struct ev e;
	const char *p = ptr;
	size_t left = nbytes;
	ssize_t n = 0;
	int err = 0;

	ev_call(&e, "write", file, line);
	ev_key_int(&e, "fd", fd);
	ev_key_int(&e, "count", (long long) nbytes);
	if (ev_key_bytes(&e, "data", ptr, nbytes))
		ev_key_bool(&e, "truncated", 1);
	ev_call_send(&e);
	gate_wait();

	while (left > 0) {
		n = write(fd, p, left);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		left -= n;
		p += n;
	}
	ev_return(&e, "write", err ? -1 : (long long) nbytes, err);
	ev_send(&e);
	if (err)
		err_call(file, line, "write error", err);
}

void
lab_Exit(const char *file, int line, int status)
{
	struct ev e;

	ev_call(&e, "exit", file, line);
	ev_key_int(&e, "status", status);
	ev_call_send(&e);
	gate_wait();

	exit(status);
}

/*
 * Unlike Stevens' Waitpid, an error is returned, not fatal: in the WNOHANG loop
 * of a SIGCHLD handler (Figure 5.11) ECHILD only ends the loop.  Called from a
 * handler, so it builds its lines on the stack and writes each with one write(2).
 */
pid_t
lab_Waitpid(const char *file, int line, pid_t pid, int *iptr, int options)
{
	struct ev e;
	pid_t n;
	int stat = 0, err;

	ev_call(&e, "waitpid", file, line);
	ev_key_int(&e, "pid", (long long) pid);
	ev_key_str(&e, "options", options == WNOHANG ? "WNOHANG" : options == 0 ? "0" : "?");
	ev_call_send(&e);
	gate_wait();

	n = waitpid(pid, &stat, options);
	err = n < 0 ? errno : 0;
	ev_return(&e, "waitpid", (long long) n, err);
	if (n > 0 && WIFEXITED(stat))
		ev_key_int(&e, "status", WEXITSTATUS(stat));	/* the child's exit status */
	else if (n > 0 && WIFSIGNALED(stat)) {
		ev_key_null(&e, "status");
		ev_key_str(&e, "signal", signal_name(WTERMSIG(stat)));
	}
	ev_send(&e);
	if (iptr != NULL)
		*iptr = stat;
	errno = err;
	return n;
}

/* pause() returns only when a signal handler has run, always with -1 and EINTR. */
void
lab_Pause(const char *file, int line)
{
	struct ev e;
	int err;

	ev_call(&e, "pause", file, line);
	ev_call_send(&e);
	gate_wait();

	pause();
	err = errno;
	ev_return(&e, "pause", -1, err);
	ev_send(&e);
}

static const char *
resource_name(int resource)
{
	switch (resource) {
	case RLIMIT_NOFILE: return "RLIMIT_NOFILE";
	case RLIMIT_NPROC:  return "RLIMIT_NPROC";
	default:            return "RLIMIT_?";
	}
}

void
lab_Setrlimit(const char *file, int line, int resource, const struct rlimit *rlp)
{
	struct ev e;
	int n, err;

	ev_call(&e, "setrlimit", file, line);
	ev_key_str(&e, "resource", resource_name(resource));
	ev_key_int(&e, "soft", (long long) rlp->rlim_cur);
	ev_key_int(&e, "hard", (long long) rlp->rlim_max);
	ev_call_send(&e);
	gate_wait();

	n = setrlimit(resource, rlp);
	err = n < 0 ? errno : 0;
	ev_return(&e, "setrlimit", n, err);
	ev_send(&e);
	if (n < 0)
		err_call(file, line, "setrlimit error", err);
}
