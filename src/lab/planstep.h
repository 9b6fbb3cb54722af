/*
 * planstep.h — a plan's steps as the sandbox program receives them (argv), one
 * step per --step=ROLE,LINE,ACTION[,ARG…]; src/plan/encode.ts writes them.
 */
#ifndef FORKSCOPE_PLANSTEP_H
#define FORKSCOPE_PLANSTEP_H

#include <stddef.h>

#define PLAN_FILE      "plan.c"	/* the file the plan's C listing goes by (src/plan/source.ts) */
#define PLAN_STEPS_MAX 200	/* PLAN_LIMITS.steps */
#define PLAN_TEXT_MAX  256	/* PLAN_LIMITS.text: bytes of one write */
#define PLAN_ROLE_MAX  16
#define PLAN_PARKS_MAX (PLAN_STEPS_MAX + 1)	/* a role each, at most: the parent, and one per fork or spawn step */

enum plan_action {
	ACT_SOCKET, ACT_REUSEADDR, ACT_LINGER, ACT_BIND, ACT_LISTEN, ACT_ACCEPT,
	ACT_CONNECT, ACT_FORK, ACT_CLOSE, ACT_SHUTDOWN, ACT_READ, ACT_WRITE,
	ACT_SIGNAL, ACT_WAITPID, ACT_SETRLIMIT, ACT_EXIT
};

/* A descriptor as the plan names it: a number, or a variable of the program. */
enum plan_fdname { FD_NUMBER, FD_LISTENFD, FD_CONNFD, FD_SOCKFD };

/* What a `signal` step installs for SIGCHLD. */
enum plan_disposition { DISP_DFL, DISP_IGN, DISP_HANDLER, DISP_HANDLER_INTR };

struct plan_step {
	char                  role[PLAN_ROLE_MAX];	/* who makes the call: parent, child#1, client#2 … */
	int                   line;		/* its line in plan.c */
	enum plan_action      action;
	enum plan_fdname      fdname;
	int                   fd;		/* with FD_NUMBER */
	int                   value;		/* backlog, how, disposition, WNOHANG, nofile, status, l_onoff */
	int                   value2;		/* l_linger */
	char                  text[PLAN_TEXT_MAX];	/* what a write writes */
	size_t                textlen;
};

/* Where a process waits once its steps run out. */
struct plan_park {
	char role[PLAN_ROLE_MAX];
	int  line;
};

struct plan {
	const char      *role;	/* --role: the role this launch starts as */
	int              port;	/* --port: 127.0.0.1:port */
	struct plan_step steps[PLAN_STEPS_MAX];
	int              nsteps;
	struct plan_park parks[PLAN_PARKS_MAX];
	int              nparks;
};

void parse_plan(int argc, char **argv, struct plan *p);	/* err_quit on anything malformed */
int  plan_park_line(const struct plan *p, const char *role);	/* 0 if the plan gives none */

#endif
