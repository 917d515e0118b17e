int main() { return 0; }  // replaced by the real entry point in the next commit
