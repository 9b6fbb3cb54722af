/*
 * server.c — the concurrent server of UNIX Network Programming §4.8
 * (Figure 4.13, and tcpcliserv/tcpserv01.c): one child per client.
 *
 * Every capitalized call is a wrapper (unp.h) that writes an event and, when
 * forkscope is stepping, waits at a gate before making the real system call.
 * The knobs (knobs.h) are the experiments of chapters 4 to 7: each one changes
 * a line or two of the book's server, and says so where it does.
 */
#include "unp.h"
#include "knobs.h"

#include <ctype.h>

static void
flip_case(char *buf, ssize_t n)
{
	for (ssize_t i = 0; i < n; i++)		/* echo with the case of each letter flipped */
		if (isalpha((unsigned char) buf[i]))
			buf[i] = isupper((unsigned char) buf[i]) ? tolower((unsigned char) buf[i])
			                                          : toupper((unsigned char) buf[i]);
}

void
str_echo(int connfd)
{
	ssize_t n;
	char    buf[MAXLINE];

	while ( (n = Read(connfd, buf, MAXLINE)) > 0) {
		flip_case(buf, n);
		Write(connfd, buf, n);
	}
}

/* One request, one reply: then the server closes first. */
void
str_echo_once(int connfd)
{
	ssize_t n;
	char    buf[MAXLINE];

	if ( (n = Read(connfd, buf, MAXLINE)) > 0) {
		flip_case(buf, n);
		Write(connfd, buf, n);
	}
}

/* Figure 5.11: reap every child that has terminated; signals are not queued. */
void
sig_chld(int signo)
{
	pid_t pid;
	int   stat, saved = errno;	/* a handler must not change errno under the code it interrupts */

	(void) signo;
	while ( (pid = Waitpid(-1, &stat, WNOHANG)) > 0)
		;			/* the return event says "child %d terminated" */
	errno = saved;
}

int
main(int argc, char **argv)
{
	int                 listenfd, connfd, on = 1;
	pid_t               childpid;
	socklen_t           clilen;
	struct sockaddr_in  cliaddr, servaddr;
	struct linger       ling;
	struct rlimit       rl;
	struct server_knobs knobs;

	parse_server_knobs(argc, argv, &knobs);
	lab_init(knobs.role);
	lab_accept_polls(knobs.accept_poll);	/* the lab's pause before accept: Figure 4.14 */

	if (knobs.fd_limit > 0) {		/* a low limit makes a descriptor leak end in EMFILE */
		rl.rlim_cur = rl.rlim_max = knobs.fd_limit;
		Setrlimit(RLIMIT_NOFILE, &rl);
	}

	listenfd = Socket(AF_INET, SOCK_STREAM, 0);

	if (knobs.reuseaddr)			/* bind even while a TIME_WAIT holds the port (§7.5) */
		Setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));

	bzero(&servaddr, sizeof(servaddr));
	servaddr.sin_family      = AF_INET;
	/* The book binds INADDR_ANY.  forkscope runs on a person's own machine,
	 * so the server listens on loopback only: nothing else can reach it. */
	servaddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	servaddr.sin_port        = htons(knobs.port);

	Bind(listenfd, (SA *) &servaddr, sizeof(servaddr));

	Listen(listenfd, LISTENQ);

	if (knobs.sigchld == SIGCHLD_IGNORE)
		Signal(SIGCHLD, SIG_IGN);	/* children leave no zombie */
	else if (knobs.sigchld == SIGCHLD_HANDLER && knobs.sa_restart)
		Signal(SIGCHLD, sig_chld);	/* tcpserv04.c: must call waitpid() */
	else if (knobs.sigchld == SIGCHLD_HANDLER)
		Signal_intr(SIGCHLD, sig_chld);	/* no SA_RESTART: accept can fail EINTR (§5.9) */

	for ( ; ; ) {
		clilen = sizeof(cliaddr);
		connfd = Accept(listenfd, (SA *) &cliaddr, &clilen);

		if (knobs.iterative) {		/* an iterative server: one client at a time */
			str_echo(connfd);
			Close(connfd);
			continue;
		}

		if ( (childpid = Fork()) == 0) {	/* child process */
			if (knobs.child_close_listenfd)
				Close(listenfd);	/* close listening socket */
			if (knobs.echo_once)
				str_echo_once(connfd);	/* then the server closes first */
			else
				str_echo(connfd);	/* process the request */
			if (!knobs.child_close)
				for ( ; ; )
					Pause();	/* never closes: CLOSE_WAIT for good */
			if (knobs.linger0) {
				ling.l_onoff  = 1;	/* close aborts the connection: RST */
				ling.l_linger = 0;
				Setsockopt(connfd, SOL_SOCKET, SO_LINGER, &ling, sizeof(ling));
			}
			Close(connfd);		/* done with this client */
			Exit(0);
		}
		if (knobs.shutdown)
			Shutdown(connfd, SHUT_WR);	/* FIN now, though the child holds connfd too */
		else if (knobs.parent_close_connfd)
			Close(connfd);		/* parent closes connected socket */
	}
}
