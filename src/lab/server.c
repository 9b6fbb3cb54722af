/*
 * server.c — the concurrent server of UNIX Network Programming §4.8
 * (Figure 4.13, and tcpcliserv/tcpserv01.c): one child per client.
 *
 * Every capitalized call is a wrapper (unp.h) that writes an event and, when
 * forkscope is stepping, waits at a gate before making the real system call.
 */
#include "unp.h"
#include "knobs.h"

#include <ctype.h>

void
str_echo(int connfd)
{
	ssize_t n;
	char    buf[MAXLINE];

	while ( (n = Read(connfd, buf, MAXLINE)) > 0) {
		for (ssize_t i = 0; i < n; i++)		/* echo with the case of each letter flipped */
			if (isalpha((unsigned char) buf[i]))
				buf[i] = isupper((unsigned char) buf[i]) ? tolower((unsigned char) buf[i])
				                                          : toupper((unsigned char) buf[i]);
		Write(connfd, buf, n);
	}
}

int
main(int argc, char **argv)
{
	int                 listenfd, connfd;
	pid_t               childpid;
	socklen_t           clilen;
	struct sockaddr_in  cliaddr, servaddr;
	struct server_knobs knobs;

	parse_server_knobs(argc, argv, &knobs);
	lab_init("parent");

	listenfd = Socket(AF_INET, SOCK_STREAM, 0);

	bzero(&servaddr, sizeof(servaddr));
	servaddr.sin_family      = AF_INET;
	/* The book binds INADDR_ANY.  forkscope runs on a person's own machine,
	 * so the server listens on loopback only: nothing else can reach it. */
	servaddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	servaddr.sin_port        = htons(knobs.port);

	Bind(listenfd, (SA *) &servaddr, sizeof(servaddr));

	Listen(listenfd, LISTENQ);

	for ( ; ; ) {
		clilen = sizeof(cliaddr);
		connfd = Accept(listenfd, (SA *) &cliaddr, &clilen);

		if ( (childpid = Fork()) == 0) {	/* child process */
			Close(listenfd);	/* close listening socket */
			str_echo(connfd);	/* process the request */
			Close(connfd);		/* done with this client */
			Exit(0);
		}
		Close(connfd);			/* parent closes connected socket */
	}
}
