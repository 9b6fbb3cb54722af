/*
 * knobs.c — parse --name=value flags.  Every knob is parsed and checked here,
 * before anything happens: a bad value is a usage error (err_quit).
 */
#include "unp.h"
#include "knobs.h"

#include <limits.h>

/* If arg is --name=value, return value; else NULL. */
static const char *
role_name(const char *v)
{
	if (*v == '\0' || strlen(v) >= sizeof(lab_role))
		err_quit("--role: expected 1 to %zu characters", sizeof(lab_role) - 1);
	return v;
}

static const char *
knob(const char *arg, const char *name)
{
	size_t len = strlen(name);

	if (strncmp(arg, "--", 2) != 0 || strncmp(arg + 2, name, len) != 0 || arg[2 + len] != '=')
		return NULL;
	return arg + 3 + len;
}

static int
yes_no(const char *name, const char *v)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		return 1;
	if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		return 0;
	err_quit("--%s=%s: expected yes or no", name, v);
}

static int
number(const char *name, const char *v, long lo, long hi)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < lo || n > hi)
		err_quit("--%s=%s: expected a whole number from %ld to %ld", name, v, lo, hi);
	return (int) n;
}

void
parse_server_knobs(int argc, char **argv, struct server_knobs *k)
{
	const char *v;
	int i;

	k->port = SERV_PORT;
	k->role = "parent";
	k->parent_close_connfd = 1;
	k->child_close_listenfd = 1;
	k->child_close = 1;
	k->echo_once = 0;
	k->sigchld = SIGCHLD_DEFAULT;
	k->sa_restart = 1;
	k->shutdown = 0;
	k->linger0 = 0;
	k->reuseaddr = 0;
	k->iterative = 0;
	k->fd_limit = 0;
	k->accept_poll = 1;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if ((v = knob(a, "port")) != NULL)
			k->port = number("port", v, 1, 65535);
		else if ((v = knob(a, "role")) != NULL)
			k->role = role_name(v);
		else if ((v = knob(a, "parent-close-connfd")) != NULL)
			k->parent_close_connfd = yes_no("parent-close-connfd", v);
		else if ((v = knob(a, "child-close-listenfd")) != NULL)
			k->child_close_listenfd = yes_no("child-close-listenfd", v);
		else if ((v = knob(a, "child-close")) != NULL)
			k->child_close = yes_no("child-close", v);
		else if ((v = knob(a, "echo-once")) != NULL)
			k->echo_once = yes_no("echo-once", v);
		else if ((v = knob(a, "sigchld")) != NULL) {
			if (strcmp(v, "default") == 0)
				k->sigchld = SIGCHLD_DEFAULT;
			else if (strcmp(v, "ignore") == 0)
				k->sigchld = SIGCHLD_IGNORE;
			else if (strcmp(v, "handler") == 0)
				k->sigchld = SIGCHLD_HANDLER;
			else
				err_quit("--sigchld=%s: expected default, ignore or handler", v);
		} else if ((v = knob(a, "sa-restart")) != NULL)
			k->sa_restart = yes_no("sa-restart", v);
		else if ((v = knob(a, "shutdown")) != NULL)
			k->shutdown = yes_no("shutdown", v);
		else if ((v = knob(a, "linger0")) != NULL)
			k->linger0 = yes_no("linger0", v);
		else if ((v = knob(a, "reuseaddr")) != NULL)
			k->reuseaddr = yes_no("reuseaddr", v);
		else if ((v = knob(a, "iterative")) != NULL)
			k->iterative = yes_no("iterative", v);
		else if ((v = knob(a, "fd-limit")) != NULL)
			k->fd_limit = number("fd-limit", v, 0, 1 << 20);
		else if ((v = knob(a, "accept-poll")) != NULL)
			k->accept_poll = yes_no("accept-poll", v);
		else
			err_quit("server: unknown option %s (knobs: --port, --role, --parent-close-connfd, --child-close-listenfd, "
			         "--child-close, --echo-once, --sigchld, --sa-restart, --shutdown, --linger0, --reuseaddr, "
			         "--iterative, --fd-limit, --accept-poll)", a);
	}
	if (k->fd_limit != 0 && k->fd_limit < 4)
		err_quit("--fd-limit=%d: the server needs descriptors 0, 1, 2 and listenfd 3", k->fd_limit);
}

void
parse_client_knobs(int argc, char **argv, struct client_knobs *k)
{
	const char *v;
	int i;

	k->port = SERV_PORT;
	k->message = "hello, world\n";
	k->role = "client#1";
	k->wait_eof = 0;
	k->linger0 = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if ((v = knob(a, "port")) != NULL)
			k->port = number("port", v, 1, 65535);
		else if ((v = knob(a, "message")) != NULL) {
			if (*v == '\0' || strlen(v) > MAXLINE)
				err_quit("--message: expected 1 to %d bytes", MAXLINE);
			k->message = v;
		} else if ((v = knob(a, "role")) != NULL)
			k->role = role_name(v);
		else if ((v = knob(a, "wait-eof")) != NULL)
			k->wait_eof = yes_no("wait-eof", v);
		else if ((v = knob(a, "linger0")) != NULL)
			k->linger0 = yes_no("linger0", v);
		else
			err_quit("client: unknown option %s (knobs: --port, --message, --role, --wait-eof, --linger0)", a);
	}
}
