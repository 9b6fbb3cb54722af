/*
 * planstep.c — reading a plan's steps from argv, defensively: the runner wrote
 * them from a validated plan (src/plan/encode.ts), but this program checks every
 * field again and refuses anything else with a usage error before any call.
 *
 *   --role=ROLE  --port=N
 *   --step=ROLE,LINE,ACTION[,ARG…]   in the plan's order
 *   --park=ROLE,LINE                 where ROLE waits once its steps run out
 *
 * ACTION and its arguments (FD is a number or listenfd, connfd, sockfd):
 *   socket | reuseaddr,FD | linger,FD,ONOFF,SECS | bind,FD | listen,FD,BACKLOG
 *   accept,FD | connect,FD | fork | close,FD | shutdown,FD,SHUT_RD|SHUT_WR|SHUT_RDWR
 *   read,FD | write,FD,HEX | signal,SIG_DFL|SIG_IGN|handler|handler-intr
 *   waitpid,WNOHANG|0 | setrlimit,N | exit,STATUS
 */
#include "unp.h"
#include "planstep.h"

#define MAXFIELDS 6

/* A whole number lo..hi, or a usage error naming what it is. */
static int
number(const char *s, int lo, int hi, const char *what, const char *arg)
{
	char *end;
	long v;

	if (*s == '\0' || strspn(s, "0123456789") != strlen(s) || strlen(s) > 9)
		err_quit("sandbox: %s \"%s\" is not a whole number (in %s)", what, s, arg);
	v = strtol(s, &end, 10);
	if (v < lo || v > hi)
		err_quit("sandbox: %s %ld is not within %d..%d (in %s)", what, v, lo, hi, arg);
	return (int) v;
}

/* Whether s is "prefix" followed by a number from lo to hi without leading zeros. */
static int
numbered(const char *s, const char *prefix, int lo, int hi)
{
	size_t n = strlen(prefix);
	const char *d = s + n;
	size_t digits;
	long v;

	if (strncmp(s, prefix, n) != 0)
		return 0;
	digits = strspn(d, "0123456789");
	if (digits == 0 || digits > 2 || d[digits] != '\0' || d[0] == '0')
		return 0;
	v = strtol(d, NULL, 10);
	return v >= lo && v <= hi;
}

/* A role, as src/plan/types.ts ROLE_PATTERN has it: parent, parent#2–9, child#1–99, client#1–9. */
static void
role(char *dst, const char *s, const char *arg)
{
	size_t n = strlen(s);

	if (n == 0 || n >= PLAN_ROLE_MAX)
		err_quit("sandbox: bad role \"%s\" (in %s)", s, arg);
	if (strcmp(s, "parent") != 0 && !numbered(s, "parent#", 2, 9) && !numbered(s, "child#", 1, 99) && !numbered(s, "client#", 1, 9))
		err_quit("sandbox: unknown role \"%s\" (in %s)", s, arg);
	memcpy(dst, s, n + 1);
}

static void
descriptor(struct plan_step *s, const char *f, const char *arg)
{
	s->fd = -1;
	if (strcmp(f, "listenfd") == 0)
		s->fdname = FD_LISTENFD;
	else if (strcmp(f, "connfd") == 0)
		s->fdname = FD_CONNFD;
	else if (strcmp(f, "sockfd") == 0)
		s->fdname = FD_SOCKFD;
	else {
		s->fdname = FD_NUMBER;
		s->fd = number(f, 3, 63, "descriptor", arg);	/* 0–2 carry the lab's events: never a plan's */
	}
}

static int
hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void
hextext(struct plan_step *s, const char *hex, const char *arg)
{
	size_t n = strlen(hex), i;
	int hi, lo;

	if (n % 2 != 0 || n / 2 > PLAN_TEXT_MAX)
		err_quit("sandbox: bad text (odd length, or more than %d bytes) (in %s)", PLAN_TEXT_MAX, arg);
	for (i = 0; i < n / 2; i++) {
		if ((hi = hexdigit(hex[2 * i])) < 0 || (lo = hexdigit(hex[2 * i + 1])) < 0)
			err_quit("sandbox: bad text: not lower-case hex (in %s)", arg);
		s->text[i] = (char) (hi << 4 | lo);
	}
	s->textlen = n / 2;
}

/* Split "a,b,,c" in place into at most MAXFIELDS fields (empty ones kept). */
static int
split(char *s, char **field)
{
	int n = 0;

	for ( ; ; ) {
		if (n == MAXFIELDS)
			return -1;
		field[n++] = s;
		if ( (s = strchr(s, ',')) == NULL)
			return n;
		*s++ = '\0';
	}
}

struct action_name {
	const char      *name;
	enum plan_action action;
	int              nargs;	/* after ROLE,LINE,ACTION */
};

static const struct action_name actions[] = {
	{ "socket", ACT_SOCKET, 0 },     { "reuseaddr", ACT_REUSEADDR, 1 }, { "linger", ACT_LINGER, 3 },
	{ "bind", ACT_BIND, 1 },         { "listen", ACT_LISTEN, 2 },       { "accept", ACT_ACCEPT, 1 },
	{ "connect", ACT_CONNECT, 1 },   { "fork", ACT_FORK, 0 },           { "close", ACT_CLOSE, 1 },
	{ "shutdown", ACT_SHUTDOWN, 2 }, { "read", ACT_READ, 1 },           { "write", ACT_WRITE, 2 },
	{ "signal", ACT_SIGNAL, 1 },     { "waitpid", ACT_WAITPID, 1 },     { "setrlimit", ACT_SETRLIMIT, 1 },
	{ "exit", ACT_EXIT, 1 },
};

static int
word(const char *s, const char *const *words, int n, const char *what, const char *arg)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s, words[i]) == 0)
			return i;
	err_quit("sandbox: unknown %s \"%s\" (in %s)", what, s, arg);
}

static void
step(struct plan_step *s, char *text, const char *arg)
{
	static const char *const hows[] = { "SHUT_RD", "SHUT_WR", "SHUT_RDWR" };
	static const int how_values[] = { SHUT_RD, SHUT_WR, SHUT_RDWR };
	static const char *const dispositions[] = { "SIG_DFL", "SIG_IGN", "handler", "handler-intr" };
	static const char *const waits[] = { "0", "WNOHANG" };
	const struct action_name *a = NULL;
	char *f[MAXFIELDS];
	int n = split(text, f);

	if (n < 3)
		err_quit("sandbox: a step needs ROLE,LINE,ACTION (in %s)", arg);
	role(s->role, f[0], arg);
	s->line = number(f[1], 1, 100000, "line", arg);
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(f[2], actions[i].name) == 0)
			a = &actions[i];
	if (a == NULL)
		err_quit("sandbox: unknown action \"%s\" (in %s)", f[2], arg);
	if (n != 3 + a->nargs)
		err_quit("sandbox: %s takes %d argument(s) (in %s)", a->name, a->nargs, arg);
	s->action = a->action;
	s->fdname = FD_NUMBER;
	s->fd = -1;
	switch (s->action) {
	case ACT_LINGER:
		s->value = number(f[4], 0, 1, "l_onoff", arg);
		s->value2 = number(f[5], 0, 10, "l_linger", arg);
		break;
	case ACT_LISTEN:
		s->value = number(f[4], 0, 128, "backlog", arg);
		break;
	case ACT_SHUTDOWN:
		s->value = how_values[word(f[4], hows, 3, "shutdown how", arg)];
		break;
	case ACT_WRITE:
		hextext(s, f[4], arg);
		break;
	case ACT_SIGNAL:
		s->value = word(f[3], dispositions, 4, "SIGCHLD disposition", arg);
		break;
	case ACT_WAITPID:
		s->value = word(f[3], waits, 2, "waitpid option", arg) ? WNOHANG : 0;
		break;
	case ACT_SETRLIMIT:
		s->value = number(f[3], 4, 64, "RLIMIT_NOFILE", arg);
		break;
	case ACT_EXIT:
		s->value = number(f[3], 0, 255, "exit status", arg);
		break;
	default:
		break;
	}
	if (a->nargs > 0 && s->action != ACT_SIGNAL && s->action != ACT_WAITPID && s->action != ACT_SETRLIMIT && s->action != ACT_EXIT)
		descriptor(s, f[3], arg);
}

static void
park(struct plan_park *k, char *text, const char *arg)
{
	char *f[MAXFIELDS];

	if (split(text, f) != 2)
		err_quit("sandbox: a park needs ROLE,LINE (in %s)", arg);
	role(k->role, f[0], arg);
	k->line = number(f[1], 1, 100000, "line", arg);
}

void
parse_plan(int argc, char **argv, struct plan *p)
{
	static char copy[2 * PLAN_TEXT_MAX + 128];
	static char rolebuf[PLAN_ROLE_MAX];

	p->role = NULL;
	p->port = 0;
	p->nsteps = p->nparks = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (strlen(arg) >= sizeof(copy))
			err_quit("sandbox: argument too long: %.40s…", arg);
		if (strncmp(arg, "--role=", 7) == 0) {
			role(rolebuf, arg + 7, arg);
			p->role = rolebuf;
		} else if (strncmp(arg, "--port=", 7) == 0)
			p->port = number(arg + 7, 1, 65535, "port", arg);
		else if (strncmp(arg, "--step=", 7) == 0) {
			if (p->nsteps == PLAN_STEPS_MAX)
				err_quit("sandbox: more than %d steps", PLAN_STEPS_MAX);
			strcpy(copy, arg + 7);
			step(&p->steps[p->nsteps++], copy, arg);
		} else if (strncmp(arg, "--park=", 7) == 0) {
			if (p->nparks == PLAN_PARKS_MAX)
				err_quit("sandbox: more than %d parks", PLAN_PARKS_MAX);
			strcpy(copy, arg + 7);
			park(&p->parks[p->nparks++], copy, arg);
		} else
			err_quit("sandbox: unknown argument \"%s\"", arg);
	}
	if (p->role == NULL || p->port == 0)
		err_quit("sandbox: --role= and --port= are required");
}

int
plan_park_line(const struct plan *p, const char *r)
{
	for (int i = 0; i < p->nparks; i++)
		if (strcmp(p->parks[i].role, r) == 0)
			return p->parks[i].line;
	return 0;
}
