// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;

namespace Dumpkit.Crash;

/// <summary>Splits a command line into words: blanks separate, double quotes group, <c>&gt; FILE</c> / <c>&gt;&gt; FILE</c> redirect.</summary>
internal static class CommandLine
{
    public static List<string> Split(string line, out string? redirect, out bool append)
    {
        redirect = null;
        append = false;
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false, quoted = false;
        int i = 0;
        for (; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"') quoted = false;
                else word.Append(c);
                continue;
            }
            if (c == '"') { quoted = true; inWord = true; continue; }
            if (c == '>')
            {
                append = i + 1 < line.Length && line[i + 1] == '>';
                redirect = line[(i + (append ? 2 : 1))..].Trim();
                if (redirect.Length == 0) redirect = null;
                break;
            }
            if (char.IsWhiteSpace(c))
            {
                if (inWord) { words.Add(word.ToString()); word.Clear(); inWord = false; }
                continue;
            }
            word.Append(c);
            inWord = true;
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }
}
