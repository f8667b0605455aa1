/* main.c - the carcer command-line tool (being written). */
#include <stdio.h>
int main(void)
{
    fputs("carcer: not built yet\n", stderr);
    return 2;
}
