#include "platform/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

namespace edgelog {

bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

size_t StderrColumns() {
  struct winsize size = {};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) != 0) return 0;
  return size.ws_col;
}

}  // namespace edgelog
