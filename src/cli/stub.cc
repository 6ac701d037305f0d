int FerryCliMain(int, char**) { return 0; }
