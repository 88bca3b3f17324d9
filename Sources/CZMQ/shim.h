// ZeroMQ (Debian: libzmq3-dev): the sockets of the Jupyter kernel (Sources/Kernel).
#include <zmq.h>
