int main(int argc, char** argv) { extern int FerryCliMain(int, char**); return FerryCliMain(argc, argv); }
