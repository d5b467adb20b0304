// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Crash.Commands;

/// <summary>
/// A command's options as crash reads them with glibc's getopt: an option string such as <c>"d:R:p:c"</c> (a letter
/// followed by ':' takes an argument, attached or the next word), clustered flags (<c>-sx</c>), the other words in
/// order after the options (getopt permutes them), <c>--</c> ending the options. A letter not in the string, or one
/// missing its argument, is the letter '?' with getopt's sentence as its value, where getopt meets it: crash acts on the
/// options before it (<c>files -d DENTRY -z</c> shows the dentry) and gives its usage at the end of the loop.
/// </summary>
internal static class CrashGetopt
{
    public static (List<(char Letter, string? Value)> Options, List<string> Words) Parse(ICrashCommand command, string[] args, string spec)
    {
        var options = new List<(char, string?)>();
        var words = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                words.AddRange(args[(i + 1)..]);
                break;
            }
            if (a.Length < 2 || a[0] != '-')
            {
                words.Add(a);
                continue;
            }
            for (int j = 1; j < a.Length; j++)
            {
                char c = a[j];
                int at = c == ':' ? -1 : spec.IndexOf(c, StringComparison.Ordinal);
                if (at < 0)
                {
                    options.Add(('?', Error(command, $"invalid option -- '{c}'")));
                    continue;
                }
                if (at + 1 < spec.Length && spec[at + 1] == ':')
                {
                    if (j + 1 < a.Length)
                        options.Add((c, a[(j + 1)..]));
                    else if (i + 1 < args.Length)
                        options.Add((c, args[++i]));
                    else
                        options.Add(('?', Error(command, $"option requires an argument -- '{c}'")));
                    break;
                }
                options.Add((c, null));
            }
        }
        return (options, words);
    }

    private static string Error(ICrashCommand command, string sentence) => $"{command.Name}: {sentence}";

    /// <summary>The usage error after getopt's sentences (each on its line, as crash prints them before its usage).</summary>
    public static CommandException UsageAfter(ICrashCommand command, IEnumerable<string> sentences) =>
        new(string.Concat(sentences.Select(s => s + "\n")) + CrashSession.Usage(command).Message);
}
