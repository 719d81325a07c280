"""The progress line of `edgelog run --once`: drawn in place on a terminal
(standard error a pty), absent when standard error is not a terminal.
Against moto with signature checking."""
import os
import pty
import subprocess
import unittest

import harness

LINES = 60000  # enough for a run of more than one redraw interval (250 ms)


class ProgressTest(harness.MotoTestCase):
    def config_with_big_file(self):
        path = self.work.write_log(
            "big.log", [b"progress line %06d %s" % (i, b"x" * 80) for i in range(LINES)])
        return self.work.write_config(self.moto.url, [
            {"file_path": path, "log_group_name": "/it/progress", "log_stream_name": "s"}])

    def run_on_pty(self, config, timeout=300):
        """Runs `edgelog run --once` with standard error on a pty; returns
        (exit code, the bytes the terminal got)."""
        master, slave = pty.openpty()
        try:
            proc = subprocess.Popen([harness.EDGELOG, "run", "--config", config, "--once"],
                                    env=self.env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=slave)
        finally:
            os.close(slave)
        got = b""
        try:
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed its end
                    break
                if not chunk:
                    break
                got += chunk
        finally:
            os.close(master)
        return proc.wait(timeout=timeout), got.decode(errors="replace")

    def test_a_terminal_gets_the_progress_line_redrawn_in_place_and_finished(self):
        code, out = self.run_on_pty(self.config_with_big_file())
        self.assertEqual(code, 0, out)
        draws = out.count("\redgelog: ")
        self.assertGreaterEqual(draws, 2, "drawn, then redrawn in place:\n" + repr(out))
        # The last draw: everything read and sent, then the line ended and
        # the log going on below it.
        final = out[out.rindex("\redgelog: ") + 1:]
        self.assertIn(" read (100.0 %), " + f"{LINES:,}" + " events sent", final, repr(out))
        ended = final.index("\n")
        self.assertIn(f"delivered {LINES} events", final[ended:], repr(out))
        # What a terminal shows of each line (the text after its last
        # carriage return) is one line of edgelog's: a log line never
        # continues a progress line's text.
        for line in out.replace("\r\n", "\n").split("\n")[:-1]:
            shown = line[line.rfind("\r") + 1:]
            if shown.startswith("\x1b[K"):
                shown = shown[len("\x1b[K"):]
            self.assertTrue(shown.startswith("edgelog: "), repr(line))
            self.assertEqual(shown.count("edgelog: "), 1, repr(line))

    def test_without_a_terminal_there_is_no_progress_line(self):
        code, err = harness.run_once(self.config_with_big_file(), self.env)
        self.assertEqual(code, 0, err)
        self.assertNotIn("\r", err)
        self.assertNotIn(" events sent", err)
        self.assertIn(f"delivered {LINES} events", err)


if __name__ == "__main__":
    unittest.main()
