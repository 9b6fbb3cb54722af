/*
 * sandbox.c — a student's plan, run for real (the close-ordering sandbox).
 *
 * One program for every role: the server (parent, a restarted parent#N), each
 * child it forks, each client.  It is given the steps of the roles it may play
 * (planstep.c reads them) and makes each of its role's steps, in order, as one
 * call through the lab's wrappers: so every step is one real system call, with
 * the lessons' `call` and `return` events and gate, at its line in plan.c.
 * After a fork the child is child#N (lab_become_child) and goes on with
 * child#N's steps.  When its steps run out it pauses, at a gate never opened.
 *
 * Unlike server.c and client.c, a failed call does not end the process: its
 * return event shows the errno, and the plan goes on (that is the experiment).
 */
#include "unp.h"
#include "planstep.h"

#define AT PLAN_FILE, s->line	/* a step's call is at its line of plan.c */

static int listenfd = -1, connfd = -1, sockfd = -1;	/* the plan's names for descriptors */
static int handler_line;	/* the line of the `signal` step that installed sig_chld */
static struct sockaddr_in servaddr;

/*
 * Figure 5.11: reap every child that has terminated.  It runs inside the step
 * that made a child end, so its waitpid calls wait at no gate.
 */
static void
sig_chld(int signo)
{
	pid_t pid;
	int   stat, saved = errno, gated = gate_skip(1);

	(void) signo;
	while ( (pid = lab_Waitpid(PLAN_FILE, handler_line, -1, &stat, WNOHANG)) > 0)
		;
	gate_skip(gated);
	errno = saved;
}

static int
fd_of(const struct plan_step *s)
{
	switch (s->fdname) {
	case FD_LISTENFD: return listenfd;
	case FD_CONNFD:   return connfd;
	case FD_SOCKFD:   return sockfd;
	default:          return s->fd;
	}
}

static void
set_sigchld(const struct plan_step *s)
{
	switch (s->value) {
	case DISP_DFL:
		lab_Signal(AT, SIGCHLD, SIG_DFL, "SIG_DFL", 1);
		break;
	case DISP_IGN:
		lab_Signal(AT, SIGCHLD, SIG_IGN, "SIG_IGN", 1);
		break;
	case DISP_HANDLER:
		handler_line = s->line;
		lab_Signal(AT, SIGCHLD, sig_chld, "sig_chld", 1);	/* Signal: SA_RESTART */
		break;
	case DISP_HANDLER_INTR:
		handler_line = s->line;
		lab_Signal(AT, SIGCHLD, sig_chld, "sig_chld", 0);	/* Signal_intr: EINTR */
		break;
	}
}

/* One step: one call, as plan.c writes it. */
static void
do_step(const struct plan_step *s)
{
	int           on = 1, stat;
	char          buf[MAXLINE];
	socklen_t     clilen;
	struct sockaddr_in cliaddr;
	struct linger ling;
	struct rlimit rl;

	switch (s->action) {
	case ACT_SOCKET:
		if (strncmp(lab_role, "client#", 7) == 0)
			sockfd = lab_Socket(AT, AF_INET, SOCK_STREAM, 0);
		else
			listenfd = lab_Socket(AT, AF_INET, SOCK_STREAM, 0);
		break;
	case ACT_REUSEADDR:
		lab_Setsockopt(AT, fd_of(s), SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		break;
	case ACT_LINGER:
		ling.l_onoff = s->value;
		ling.l_linger = s->value2;
		lab_Setsockopt(AT, fd_of(s), SOL_SOCKET, SO_LINGER, &ling, sizeof(ling));
		break;
	case ACT_BIND:
		lab_Bind(AT, fd_of(s), (SA *) &servaddr, sizeof(servaddr));
		break;
	case ACT_LISTEN:
		lab_Listen(AT, fd_of(s), s->value);
		break;
	case ACT_ACCEPT:
		clilen = sizeof(cliaddr);
		connfd = lab_Accept(AT, fd_of(s), (SA *) &cliaddr, &clilen);
		break;
	case ACT_CONNECT:
		lab_Connect(AT, fd_of(s), (SA *) &servaddr, sizeof(servaddr));
		break;
	case ACT_FORK:
		lab_Fork(AT);		/* in the child, lab_role is child#N from here on */
		break;
	case ACT_CLOSE:
		lab_Close(AT, fd_of(s));
		break;
	case ACT_SHUTDOWN:
		lab_Shutdown(AT, fd_of(s), s->value);
		break;
	case ACT_READ:
		lab_Read(AT, fd_of(s), buf, MAXLINE);
		break;
	case ACT_WRITE:
		lab_Write(AT, fd_of(s), s->text, s->textlen);
		break;
	case ACT_SIGNAL:
		set_sigchld(s);
		break;
	case ACT_WAITPID:
		lab_Waitpid(AT, -1, &stat, s->value);
		break;
	case ACT_SETRLIMIT:
		rl.rlim_cur = rl.rlim_max = s->value;
		lab_Setrlimit(AT, RLIMIT_NOFILE, &rl);
		break;
	case ACT_EXIT:
		lab_Exit(AT, s->value);
	}
}

int
main(int argc, char **argv)
{
	static struct plan plan;	/* big: not on the stack */
	int i;

	parse_plan(argc, argv, &plan);
	lab_init(plan.role);
	lab_errors_fatal(0);		/* a failed call is an outcome: the plan goes on */
	lab_accept_polls(0);		/* accept is a real accept(2) */

	bzero(&servaddr, sizeof(servaddr));
	servaddr.sin_family      = AF_INET;
	servaddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);	/* 127.0.0.1, never anything else */
	servaddr.sin_port        = htons(plan.port);

	for (i = 0; i < plan.nsteps; i++)
		if (strcmp(plan.steps[i].role, lab_role) == 0)
			do_step(&plan.steps[i]);	/* after a fork, lab_role is the child's */

	for ( ; ; )
		lab_Pause(PLAN_FILE, plan_park_line(&plan, lab_role));	/* nothing more to do */
}
