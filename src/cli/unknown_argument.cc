// Copyright (c) the Ferry authors.
#include "cli/unknown_argument.h"

#include <algorithm>
#include <string>
#include <vector>

namespace ferry::cli {

size_t TypoDistance(std::string_view a, std::string_view b) {
  // Damerau's adjacent swap counts as one edit because it is the commonest
  // typing slip ("rnu" for "run", "--tagret" for "--target"); plain
  // Levenshtein would call it two and rank unrelated names as close.
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::string ClosestName(std::string_view typed, const std::vector<std::string>& candidates) {
  // Close: at most one edit per three letters typed (at least one), so "rnu"
  // finds "run" but "frobnicate" finds nothing rather than a random command.
  const std::string_view bare = typed.substr(std::min(typed.find_first_not_of('-'), typed.size()));
  const size_t limit = std::max<size_t>(1, bare.size() / 3);
  std::string best;
  size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    const size_t distance = TypoDistance(typed, c);
    if (distance < best_distance) best = c, best_distance = distance;
  }
  return best;
}

namespace {

std::vector<const CLI::App*> Subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App*) { return true; });
}

const CLI::App* FindSubcommand(const CLI::App& app, const std::string& word) {
  for (const CLI::App* sub : Subcommands(app)) {
    if (sub->check_name(word)) return sub;
  }
  return nullptr;
}

std::vector<std::string> CommandNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : Subcommands(app)) names.push_back(sub->get_name());
  return names;
}

// Long names ("--target") of `app`'s options, then short ones ("-t").
std::vector<std::string> OptionNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* o : app.get_options()) {
    for (const std::string& l : o->get_lnames()) names.push_back("--" + l);
  }
  for (const CLI::Option* o : app.get_options()) {
    for (const std::string& s : o->get_snames()) names.push_back("-" + s);
  }
  return names;
}

std::string CommandPath(const CLI::App& app) {
  const CLI::App* parent = app.get_parent();
  return parent == nullptr ? "ferry" : CommandPath(*parent) + " " + app.get_name();
}

// "unknown option '--tagret' of 'ferry run'; did you mean '--target'?"
Status Unknown(const std::string& kind, const std::string& typed, const CLI::App& of, const std::string& closest) {
  const std::string where = of.get_parent() == nullptr ? "" : " of '" + CommandPath(of) + "'";
  const std::string help = CommandPath(of) + " --help";
  return Status::InvalidArgument("unknown " + kind + " '" + typed + "'" + where +
                                 (closest.empty() ? "; see '" + help + "'" : "; did you mean '" + closest + "'?"));
}

// The option `word` ("--name", "--name=value", "-n", "-nVALUE") names, or null.
const CLI::Option* FindOption(const CLI::App& app, const std::string& word) {
  const bool is_long = word.rfind("--", 0) == 0;
  const std::string name = is_long ? word.substr(0, word.find('=')) : word.substr(0, 2);
  for (const CLI::Option* o : app.get_options()) {
    if (o->check_name(name)) return o;
  }
  return nullptr;
}

// Whether `word` carries the option's value itself ("--name=v", "-nV").
bool ValueAttached(const std::string& word) {
  return word.rfind("--", 0) == 0 ? word.find('=') != std::string::npos : word.size() > 2;
}

}  // namespace

Status FindUnknownArgument(const CLI::App& app, int argc, const char* const* argv) {
  const CLI::App* current = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--") break;
    if (word.size() > 1 && word[0] == '-') {
      const CLI::Option* option = FindOption(*current, word);
      if (option == nullptr) {
        const std::string name = word.substr(0, word.find('='));
        return Unknown("option", name, *current, ClosestName(name, OptionNames(*current)));
      }
      if (option->get_items_expected_max() > 0 && !ValueAttached(word)) {
        // A value follows (several for a vector option, up to the next option).
        const bool many = option->get_items_expected_max() > 1;
        do ++i;
        while (many && i + 1 < argc && argv[i + 1][0] != '-');
      }
      continue;
    }
    if (const CLI::App* sub = FindSubcommand(*current, word); sub != nullptr) {
      current = sub;
      continue;
    }
    // A word where a sub-command is expected (the command has sub-commands
    // and no positional arguments) is a mistyped command.
    if (!Subcommands(*current).empty() &&
        current->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty()) {
      return Unknown(current == &app ? "command" : "sub-command", word, *current, ClosestName(word, CommandNames(*current)));
    }
  }
  return Status::OK();
}

}  // namespace ferry::cli
