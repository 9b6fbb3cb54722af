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
	struct client_knobs knobs;

	parse_client_knobs(argc, argv, &knobs);
	lab_init(knobs.role);

	sockfd = Socket(AF_INET, SOCK_STREAM, 0);

	bzero(&servaddr, sizeof(servaddr));
	servaddr.sin_family      = AF_INET;
	servaddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);	/* 127.0.0.1 */
	servaddr.sin_port        = htons(knobs.port);

	Connect(sockfd, (SA *) &servaddr, sizeof(servaddr));

	Write(sockfd, knobs.message, strlen(knobs.message));

	n = Read(sockfd, recvline, MAXLINE);
	ev_output("stdout", recvline, n);	/* print the echo */

	Close(sockfd);
	Exit(0);
}
