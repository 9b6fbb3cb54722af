/*
 * client.c — one client of the concurrent server: connect, send one message,
 * read the echo, close.  (A one-shot tcpcliserv/tcpcli01.c.)
 */
#include "unp.h"
#include "knobs.h"

int
main(int argc, char **argv)
{
	int                 sockfd;
	ssize_t             n;
	char                recvline[MAXLINE];
	struct sockaddr_in  servaddr;
	struct linger       ling;
	struct client_knobs knobs;
	static const char   eof[] = "str_cli: server terminated prematurely\n";

	parse_client_knobs(argc, argv, &knobs);
	lab_init(knobs.role);

	sockfd = Socket(AF_INET, SOCK_STREAM, 0);

	bzero(&servaddr, sizeof(servaddr));
	servaddr.sin_family      = AF_INET;
	servaddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);	/* 127.0.0.1 */
	servaddr.sin_port        = htons(knobs.port);

	Connect(sockfd, (SA *) &servaddr, sizeof(servaddr));

	Write(sockfd, knobs.message, strlen(knobs.message));

	if ( (n = Read(sockfd, recvline, MAXLINE)) > 0)
		ev_output("stdout", recvline, n);	/* print the echo */
	else
		ev_output("stderr", eof, sizeof(eof) - 1);	/* end-of-file (UNP §5.12) */

	if (knobs.wait_eof && n > 0)
		while (Read(sockfd, recvline, MAXLINE) > 0)	/* until the server closes */
			;

	if (knobs.linger0) {
		ling.l_onoff  = 1;		/* close aborts the connection: RST, no TIME_WAIT */
		ling.l_linger = 0;
		Setsockopt(sockfd, SOL_SOCKET, SO_LINGER, &ling, sizeof(ling));
	}

	Close(sockfd);
	Exit(0);
}
