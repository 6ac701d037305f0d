// Embeds libferry: loads a Ferry project, generates a small workouts file,
// migrates it as an operation while following its events, prints the counts.
// Usage: embed PROJECT_DIR WORK_DIR [COUNT]   (README.md beside this file)
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "ferry/events.h"
#include "ferry/operation.h"
#include "ferry/generate.h"
#include "ferry/project.h"
#include "ferry/run.h"

namespace {

// Prints an operation's event on stderr.
void PrintEvent(const ferry::OperationEvent& e) {
  std::fprintf(stderr, "event %llu %s stage=%s processed=%llu\n", static_cast<unsigned long long>(e.seq),
               ferry::EventTypeName(e.event.type), e.event.stage.c_str(),
               static_cast<unsigned long long>(e.event.processed_docs));
}

// The migration itself, as an operation: source -> target, state, rejects
// and the operations' history beside them; its events followed as they come.
ferry::Result<ferry::OperationSnapshot> Migrate(std::shared_ptr<const ferry::Project> project,
                                                const std::string& dir) {
  auto ops = ferry::Operations::Open({.state = dir + "/state.db"});
  if (!ops.ok()) return ops.status();
  ferry::OperationRequest request;
  request.project = std::move(project);
  request.run.source = dir + "/workouts.jsonl";
  request.run.target = dir + "/unified.jsonl";
  request.run.state = dir + "/state.db";
  request.run.outputs.rejects = dir + "/rejects.jsonl";
  auto id = (*ops)->Start(request);
  if (!id.ok()) return id.status();
  // Follows the events in order; a follower that reconnects asks again
  // with the last number it saw. The last event is operation_finished.
  uint64_t last = 0;
  while (true) {
    auto events = (*ops)->Events(*id, last, std::chrono::milliseconds(500));
    if (!events.ok()) return events.status();
    for (const ferry::OperationEvent& e : *events) {
      PrintEvent(e);
      last = e.seq;
      if (e.event.type == ferry::EventType::kOperationFinished) return (*ops)->Get(*id);
    }
  }
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
  auto done = Migrate(std::shared_ptr<const ferry::Project>(std::move(project).value()), dir);
  if (!done.ok()) return Fail(done.status());
  const ferry::OperationCounters& c = done->counters;
  std::printf("operation %s %s\n", done->id.c_str(), ferry::OperationStateName(done->state));
  std::printf("input %llu\nmigrated %llu\nalready_at_target %llu\nrejected %llu\n",
              static_cast<unsigned long long>(c.processed), static_cast<unsigned long long>(c.migrated),
              static_cast<unsigned long long>(c.already_at_target), static_cast<unsigned long long>(c.rejected));
  return done->status.ok() ? 0 : Fail(done->status);
}
