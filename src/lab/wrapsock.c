/*
 * wrapsock.c — socket wrappers, after Stevens' lib/wrapsock.c.
 *
 * Each wrapper: `call` event -> gate -> the system call -> `return` event.
 * An error is reported once, here, after the return event has shown its errno:
 * it ends the process (err_sys), unless the program said errors are outcomes
 * (lab_errors_fatal(0), the sandbox): then the wrapper returns -1.
 */
#include "unp.h"

#include <poll.h>

static const char *
family_name(int family)
{
	switch (family) {
	case AF_INET:  return "AF_INET";
	case AF_INET6: return "AF_INET6";
	case AF_UNIX:  return "AF_UNIX";
	default:       return "AF_?";
	}
}

static const char *
type_name(int type)
{
	switch (type) {
	case SOCK_STREAM: return "SOCK_STREAM";
	case SOCK_DGRAM:  return "SOCK_DGRAM";
	default:          return "SOCK_?";
	}
}

int
lab_Socket(const char *file, int line, int family, int type, int protocol)
{
	struct ev e;
	int n, err;

	ev_call(&e, "socket", file, line);
	ev_key_str(&e, "domain", family_name(family));
	ev_key_str(&e, "type", type_name(type));
	ev_key_int(&e, "protocol", protocol);
	ev_call_send(&e);
	gate_wait();

	n = socket(family, type, protocol);
	err = n < 0 ? errno : 0;
	ev_return(&e, "socket", n, err);
	ev_send(&e);
	if (n < 0)
		err_call(file, line, "socket error", err);
	return n;
}

void
lab_Bind(const char *file, int line, int fd, const SA *sa, socklen_t salen)
{
	struct ev e;
	char addr[64];
	int n, err;

	ev_call(&e, "bind", file, line);
	ev_key_int(&e, "fd", fd);
	ev_key_str(&e, "addr", sock_ntop(sa, salen, addr, sizeof(addr)));
	ev_call_send(&e);
	gate_wait();

	n = bind(fd, sa, salen);
	err = n < 0 ? errno : 0;
	ev_return(&e, "bind", n, err);
	ev_send(&e);
	if (n < 0)
		err_call(file, line, "bind error", err);
}

void
lab_Listen(const char *file, int line, int fd, int backlog)
{
	struct ev e;
	int n, err;

	ev_call(&e, "listen", file, line);
	ev_key_int(&e, "fd", fd);
	ev_key_int(&e, "backlog", backlog);
	ev_call_send(&e);
	gate_wait();

	n = listen(fd, backlog);
	err = n < 0 ? errno : 0;
	ev_return(&e, "listen", n, err);
	ev_send(&e);
	if (n < 0)
		err_call(file, line, "listen error", err);
}

static int accept_polls = 1;	/* the lab's pause before accept (lab_accept_polls) */

/* Whether Accept first waits in poll() (the default), or makes a real accept(2) at once. */
void
lab_accept_polls(int on)
{
	accept_polls = on;
}

/* Accept's first half: asleep in poll() until a connection is queued, then at a gate. */
static void
wait_for_connection(struct ev *e, const char *file, int line, int fd)
{
	struct pollfd pfd;
	int err;

	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	while (poll(&pfd, 1, -1) < 0) {
		err = errno;
		if (err == EINTR && lab_restarts())
			continue;	/* accept itself would have been restarted (SA_RESTART) */
		ev_return(e, "accept", -1, err);	/* EINTR: a handler without SA_RESTART ran (UNP §5.9) */
		ev_send(e);
		err_sys_at(file, line, "accept error", err);
	}
	ev_ready("accept", fd);
	gate_wait();
}

/*
 * accept() in two halves, so that Figure 4.14 can be seen for real.
 *
 * First we sleep in poll() until the listening socket is readable: the process
 * is asleep in the kernel waiting for a connection, as a process in accept()
 * is, but the kernel shows it in poll (the call event says so: "waitsIn").
 * When a connection has completed the three-way handshake it sits in the
 * accept queue; poll() returns, we write a `ready` event and wait at a second
 * gate.  Only when that gate is released does accept() take the connection off
 * the queue and give it a descriptor: it returns at once.
 *
 * A signal handler that interrupts the wait interrupts poll(), which the kernel
 * never restarts.  accept() it would restart if the handler was installed with
 * SA_RESTART; so we go on polling then, and otherwise report what accept()
 * would: -1 and EINTR.  A lesson about that EINTR turns the pause off
 * (--accept-poll=no): then the process sleeps in a real accept(2), and the
 * EINTR is the kernel's.
 */
int
lab_Accept(const char *file, int line, int fd, SA *sa, socklen_t *salenptr)
{
	struct ev e;
	struct sockaddr_storage local;
	socklen_t locallen;
	char addr[64];
	int n, err;

again:
	ev_call(&e, "accept", file, line);
	ev_key_int(&e, "fd", fd);
	if (accept_polls) {
		ev_close_obj(&e);	/* args */
		ev_key_str(&e, "waitsIn", "poll");
	}
	ev_call_send(&e);
	gate_wait();

	if (accept_polls)
		wait_for_connection(&e, file, line, fd);	/* poll, `ready`, gate */

	n = accept(fd, sa, salenptr);
	err = n < 0 ? errno : 0;
	ev_return(&e, "accept", n, err);
	if (n >= 0) {
		locallen = sizeof(local);
		if (getsockname(n, (SA *) &local, &locallen) == 0)
			ev_key_str(&e, "local", sock_ntop((SA *) &local, locallen, addr, sizeof(addr)));
		if (sa != NULL && salenptr != NULL)
			ev_key_str(&e, "peer", sock_ntop(sa, *salenptr, addr, sizeof(addr)));
		else if (locallen = sizeof(local), getpeername(n, (SA *) &local, &locallen) == 0)
			ev_key_str(&e, "peer", sock_ntop((SA *) &local, locallen, addr, sizeof(addr)));
	}
	ev_send(&e);
	if (n < 0) {
		/* As in Stevens' Accept: a connection aborted in the queue is not our error. */
		if (err == ECONNABORTED || err == EPROTO)
			goto again;
		err_call(file, line, "accept error", err);
	}
	return n;
}

void
lab_Connect(const char *file, int line, int fd, const SA *sa, socklen_t salen)
{
	struct ev e;
	struct sockaddr_storage local;
	socklen_t locallen;
	char addr[64];
	int n, err;

	ev_call(&e, "connect", file, line);
	ev_key_int(&e, "fd", fd);
	ev_key_str(&e, "addr", sock_ntop(sa, salen, addr, sizeof(addr)));
	ev_call_send(&e);
	gate_wait();

	n = connect(fd, sa, salen);
	err = n < 0 ? errno : 0;
	ev_return(&e, "connect", n, err);
	locallen = sizeof(local);	/* the port the SYN went from, even when it was refused */
	if (getsockname(fd, (SA *) &local, &locallen) == 0 && (n == 0 || sock_port((SA *) &local) != 0))
		ev_key_str(&e, "local", sock_ntop((SA *) &local, locallen, addr, sizeof(addr)));
	ev_send(&e);
	if (n < 0)
		err_call(file, line, "connect error", err);
}

static const char *
optname_name(int level, int optname)
{
	if (level != SOL_SOCKET)
		return "?";
	switch (optname) {
	case SO_REUSEADDR: return "SO_REUSEADDR";
	case SO_LINGER:    return "SO_LINGER";
	case SO_KEEPALIVE: return "SO_KEEPALIVE";
	case SO_RCVBUF:    return "SO_RCVBUF";
	case SO_SNDBUF:    return "SO_SNDBUF";
	default:           return "SO_?";
	}
}

/* The option's value is shown as its fields: value for an int, l_onoff and l_linger for SO_LINGER. */
void
lab_Setsockopt(const char *file, int line, int fd, int level, int optname, const void *optval, socklen_t optlen)
{
	struct ev e;
	int n, err;

	ev_call(&e, "setsockopt", file, line);
	ev_key_int(&e, "fd", fd);
	ev_key_str(&e, "level", level == SOL_SOCKET ? "SOL_SOCKET" : "?");
	ev_key_str(&e, "optname", optname_name(level, optname));
	if (level == SOL_SOCKET && optname == SO_LINGER && optlen >= sizeof(struct linger)) {
		const struct linger *l = optval;
		ev_key_int(&e, "l_onoff", l->l_onoff);
		ev_key_int(&e, "l_linger", l->l_linger);
	} else if (optlen == sizeof(int))
		ev_key_int(&e, "value", *(const int *) optval);
	ev_call_send(&e);
	gate_wait();

	n = setsockopt(fd, level, optname, optval, optlen);
	err = n < 0 ? errno : 0;
	ev_return(&e, "setsockopt", n, err);
	ev_send(&e);
	if (n < 0)
		err_call(file, line, "setsockopt error", err);
}

/* shutdown acts on the socket, not on the descriptor: SHUT_WR sends the FIN whatever the open file's count. */
void
lab_Shutdown(const char *file, int line, int fd, int how)
{
	struct ev e;
	int n, err;

	ev_call(&e, "shutdown", file, line);
	ev_key_int(&e, "fd", fd);
	ev_key_str(&e, "how", how == SHUT_RD ? "SHUT_RD" : how == SHUT_WR ? "SHUT_WR" : how == SHUT_RDWR ? "SHUT_RDWR" : "?");
	ev_call_send(&e);
	gate_wait();

	n = shutdown(fd, how);
	err = n < 0 ? errno : 0;
	ev_return(&e, "shutdown", n, err);
	ev_send(&e);
	if (n < 0)
		err_call(file, line, "shutdown error", err);
}
