/*
 * knobs.c — parse --name=value flags.  Every knob is parsed and checked here;
 * the ones whose behaviour is not written yet refuse a non-default value
 * rather than silently running a different experiment.
 */
#include "unp.h"
#include "knobs.h"

#include <limits.h>

/* If arg is --name=value, return value; else NULL. */
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

static void
not_yet(const char *name, const char *v)
{
	err_quit("--%s=%s: this knob is parsed but its behaviour is not implemented yet", name, v);
}

void
parse_server_knobs(int argc, char **argv, struct server_knobs *k)
{
	const char *v;
	int i;

	k->port = SERV_PORT;
	k->parent_close_connfd = 1;
	k->child_close_listenfd = 1;
	k->sigchld = SIGCHLD_DEFAULT;
	k->shutdown = 0;
	k->linger0 = 0;
	k->iterative = 0;
	k->fd_limit = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if ((v = knob(a, "port")) != NULL)
			k->port = number("port", v, 1, 65535);
		else if ((v = knob(a, "parent-close-connfd")) != NULL)
			k->parent_close_connfd = yes_no("parent-close-connfd", v);
		else if ((v = knob(a, "child-close-listenfd")) != NULL)
			k->child_close_listenfd = yes_no("child-close-listenfd", v);
		else if ((v = knob(a, "sigchld")) != NULL) {
			if (strcmp(v, "default") == 0)
				k->sigchld = SIGCHLD_DEFAULT;
			else if (strcmp(v, "ignore") == 0)
				k->sigchld = SIGCHLD_IGNORE;
			else if (strcmp(v, "handler") == 0)
				k->sigchld = SIGCHLD_HANDLER;
			else
				err_quit("--sigchld=%s: expected default, ignore or handler", v);
		} else if ((v = knob(a, "shutdown")) != NULL)
			k->shutdown = yes_no("shutdown", v);
		else if ((v = knob(a, "linger0")) != NULL)
			k->linger0 = yes_no("linger0", v);
		else if ((v = knob(a, "iterative")) != NULL)
			k->iterative = yes_no("iterative", v);
		else if ((v = knob(a, "fd-limit")) != NULL)
			k->fd_limit = number("fd-limit", v, 0, 1 << 20);
		else
			err_quit("server: unknown option %s (knobs: --port, --parent-close-connfd, --child-close-listenfd, "
			         "--sigchld, --shutdown, --linger0, --iterative, --fd-limit)", a);
	}

	/* Issue #3 adds these experiments; until then only the defaults run. */
	if (!k->parent_close_connfd)  not_yet("parent-close-connfd", "no");
	if (!k->child_close_listenfd) not_yet("child-close-listenfd", "no");
	if (k->sigchld == SIGCHLD_IGNORE)  not_yet("sigchld", "ignore");
	if (k->sigchld == SIGCHLD_HANDLER) not_yet("sigchld", "handler");
	if (k->shutdown)  not_yet("shutdown", "yes");
	if (k->linger0)   not_yet("linger0", "yes");
	if (k->iterative) not_yet("iterative", "yes");
	if (k->fd_limit)  not_yet("fd-limit", "N");
}

void
parse_client_knobs(int argc, char **argv, struct client_knobs *k)
{
	const char *v;
	int i;

	k->port = SERV_PORT;
	k->message = "hello, world\n";
	k->role = "client#1";

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if ((v = knob(a, "port")) != NULL)
			k->port = number("port", v, 1, 65535);
		else if ((v = knob(a, "message")) != NULL) {
			if (*v == '\0' || strlen(v) > MAXLINE)
				err_quit("--message: expected 1 to %d bytes", MAXLINE);
			k->message = v;
		} else if ((v = knob(a, "role")) != NULL) {
			if (*v == '\0' || strlen(v) >= sizeof(lab_role))
				err_quit("--role: expected 1 to %zu characters", sizeof(lab_role) - 1);
			k->role = v;
		} else
			err_quit("client: unknown option %s (knobs: --port, --message, --role)", a);
	}
}
