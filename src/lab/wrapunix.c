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
		err_sys_at(file, line, "fork error", err);
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
		err_sys_at(file, line, "close error", err);
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
		err_sys_at(file, line, "read error", err);
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
		err_sys_at(file, line, "write error", err);
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
