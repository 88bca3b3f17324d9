// GNU readline (Debian: libreadline-dev) for the REPL.
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
