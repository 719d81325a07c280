// Placeholder entry point; the command line arrives with agent/cli.
int main() { return 0; }
