#include "platform/terminal.h"

#include <unistd.h>

namespace edgelog {

bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

}  // namespace edgelog
