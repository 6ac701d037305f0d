// Embeds libferry: loads a Ferry project, generates a small workouts file,
// migrates it while following the run's progress events, prints the counts.
// Usage: embed PROJECT_DIR WORK_DIR [COUNT]   (README.md beside this file)
#include <cstdio>
#include <string>

#include "ferry/events.h"
#include "ferry/generate.h"
#include "ferry/project.h"
#include "ferry/run.h"

namespace {

// Prints each event of the run on stderr as it comes.
class PrintEvents : public ferry::EventSink {
 public:
  void OnEvent(const ferry::Event& e) override {
    std::fprintf(stderr, "event %s stage=%s processed=%llu\n", ferry::EventTypeName(e.type), e.stage.c_str(),
                 static_cast<unsigned long long>(e.processed_docs));
  }
};

// The migration itself: source -> target, state and rejects beside them.
ferry::Result<ferry::RunReport> Migrate(const ferry::Project& project, const std::string& dir,
                                        ferry::EventSink* events) {
  ferry::RunOptions options;
  options.source = dir + "/workouts.jsonl";
  options.target = dir + "/unified.jsonl";
  options.state = dir + "/state.db";
  options.rejects = dir + "/rejects.jsonl";
  options.events = events;
  return ferry::Run(project, options);
}

int Fail(const ferry::Status& status) {
  std::fprintf(stderr, "embed: %s\n", status.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: embed PROJECT_DIR WORK_DIR [COUNT]\n");
    return 2;
  }
  const std::string dir = argv[2];
  auto project = ferry::Project::Load(argv[1]);
  if (!project.ok()) return Fail(project.status());
  ferry::GenerateOptions generate;
  generate.count = argc > 3 ? std::stoull(argv[3]) : 1000;
  generate.seed = 1;
  ferry::Status written = ferry::GenerateWorkouts(generate, dir + "/workouts.jsonl", "", nullptr);
  if (!written.ok()) return Fail(written);
  std::printf("generated %llu workouts (seed %llu)\n", static_cast<unsigned long long>(generate.count),
              static_cast<unsigned long long>(generate.seed));
  PrintEvents events;
  auto report = Migrate(**project, dir, &events);
  if (!report.ok()) return Fail(report.status());
  std::printf("input %llu\nmigrated %llu\nalready_at_target %llu\nrejected %llu\n",
              static_cast<unsigned long long>(report->input), static_cast<unsigned long long>(report->migrated),
              static_cast<unsigned long long>(report->already_at_target),
              static_cast<unsigned long long>(report->rejected));
  return report->final_status.ok() ? 0 : Fail(report->final_status);
}
