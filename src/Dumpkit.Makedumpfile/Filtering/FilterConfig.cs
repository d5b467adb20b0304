// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;

namespace Dumpkit.Makedumpfile.Filtering;

/// <summary>
/// <c>SYMBOL[:TYPE][.member...]</c>: a kernel global and the members to follow from it. makedumpfile
/// finds the global's type in the debug vmlinux; the kernel's BTF has no types for globals, so
/// dumpkit reads it after a colon (<c>init_uts_ns:uts_namespace.name.nodename</c>,
/// <c>saved_command_line:char*</c>); without it only <c>size N</c> or <c>nullify</c> can be used.
/// </summary>
internal sealed record SymbolExpression(string Symbol, string? TypeName, int PointerDepth, IReadOnlyList<string> Members)
{
    /// <summary>The expression as makedumpfile's config has it (no type): what its eraseinfo names.</summary>
    public string MakedumpfileText => Symbol + string.Concat(Members.Select(m => "." + m));

    public override string ToString() =>
        Symbol + (TypeName is null ? "" : ":" + TypeName + new string('*', PointerDepth)) + string.Concat(Members.Select(m => "." + m));
}

/// <summary>One <c>erase</c> command (makedumpfile.conf(5)): what, and how much (a size, a size read from memory, or nullify).</summary>
internal sealed record EraseCommand(int Line, SymbolExpression Target, long? Size, SymbolExpression? SizeFrom, bool Nullify);

/// <summary>
/// makedumpfile's filter config file (makedumpfile.conf(5)): <c>[module]</c> sections (vmlinux only),
/// <c>erase EXPR [size N[K|M] | size EXPR | nullify]</c>, <c>#</c> comments. Loops (<c>for ... endfor</c>)
/// are reported and skipped. Problems are makedumpfile's "Config error at LINE: ..." lines.
/// </summary>
internal static class FilterConfig
{
    /// <summary>The largest config file read; a longer one (or an endless one such as /dev/zero) is refused.</summary>
    public const int MaxBytes = 1 << 20;

    /// <summary>The most one erase command may cover.</summary>
    public const long MaxEraseBytes = 1L << 30;

    /// <summary>Reads at most <see cref="MaxBytes"/>; null (the message written) when the file cannot be read or is larger.</summary>
    public static string? Load(string path, Messages msg)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.None);
            var buffer = new byte[MaxBytes + 1];
            int total = 0;
            while (total < buffer.Length)
            {
                int n = f.Read(buffer, total, buffer.Length - total);
                if (n <= 0) break;
                total += n;
            }
            if (total > MaxBytes)
            {
                msg.Fail($"Can't read config file({path}). It is larger than {MaxBytes >> 20} MiB.");
                return null;
            }
            return System.Text.Encoding.UTF8.GetString(buffer, 0, total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string why = Directory.Exists(path) ? "Is a directory" : VmlinuxCheck.Strerror(e);
            msg.Fail($"Can't open config file({path}). {why}");
            return null;
        }
    }

    public static List<EraseCommand> Parse(string text, List<(int Line, string Message)> errors)
    {
        var commands = new List<EraseCommand>();
        string module = "vmlinux";
        int loopStart = 0;
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int line = i + 1;
            string s = lines[i];
            int hash = s.IndexOf('#');
            if (hash >= 0) s = s[..hash];
            s = s.Replace('\t', ' ').TrimEnd('\r');
            if (s.StartsWith('['))
            {
                int close = s.IndexOf(']');
                if (close < 0)
                {
                    errors.Add((line, $"Invalid module section entry."));
                    module = "";
                    continue;
                }
                module = s[1..close];
                if (module != "vmlinux")
                    errors.Add((line, $"module section [{module}] skipped: dumpkit filters vmlinux symbols only."));
                continue;
            }
            var words = s.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0 || module != "vmlinux")
                continue;
            if (loopStart > 0)
            {
                if (words[0] == "endfor") loopStart = 0;
                continue;
            }
            if (words[0] == "for")
            {
                errors.Add((line, $"'for' loops are not supported by dumpkit; skipped to 'endfor'."));
                loopStart = line;
                continue;
            }
            if (words[0] != "erase")
            {
                errors.Add((line, $"Invalid token '{words[0]}'."));
                continue;
            }
            if (ParseErase(line, words, errors) is { } command)
                commands.Add(command);
        }
        if (loopStart > 0)
            errors.Add((loopStart, $"No matching 'endfor' found."));
        return commands;
    }

    private static EraseCommand? ParseErase(int line, string[] words, List<(int Line, string Message)> errors)
    {
        if (words.Length < 2 || ParseExpression(words[1]) is not { } target)
        {
            errors.Add((line, $"expected kernel symbol after 'erase' command."));
            return null;
        }
        if (words.Length == 2)
            return new EraseCommand(line, target, null, null, false);
        if (words[2] == "nullify" && words.Length == 3)
            return new EraseCommand(line, target, null, null, true);
        if (words[2] == "size" && words.Length == 4)
        {
            if (ParseSize(words[3]) is long size)
            {
                if (size <= MaxEraseBytes)
                    return new EraseCommand(line, target, size, null, false);
                errors.Add((line, $"size {words[3]} is larger than {MaxEraseBytes >> 20} MiB."));
                return null;
            }
            if (ParseExpression(words[3]) is { } from)
                return new EraseCommand(line, target, null, from, false);
            errors.Add((line, $"expected size symbol after 'size' keyword."));
            return null;
        }
        errors.Add((line, $"Invalid token '{words[2]}'."));
        return null;
    }

    /// <summary>A positive size: digits with an optional K or M (either case), as makedumpfile reads it.</summary>
    private static long? ParseSize(string word)
    {
        long mult = 1;
        string digits = word;
        if (word.Length > 1 && char.ToUpperInvariant(word[^1]) is 'K' or 'M')
        {
            mult = char.ToUpperInvariant(word[^1]) == 'K' ? 1024 : 1024 * 1024;
            digits = word[..^1];
        }
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long v) || v <= 0 || v > long.MaxValue / mult)
            return null;
        return v * mult;
    }

    private static SymbolExpression? ParseExpression(string word)
    {
        var parts = word.Split('.');
        string head = parts[0];
        string? type = null;
        int pointers = 0;
        int colon = head.IndexOf(':');
        if (colon >= 0)
        {
            type = head[(colon + 1)..];
            head = head[..colon];
            while (type.EndsWith('*'))
            {
                type = type[..^1];
                pointers++;
            }
            if (!IsIdentifier(type))
                return null;
        }
        if (!IsIdentifier(head) || parts.Skip(1).Any(p => !IsIdentifier(p)))
            return null;
        return new SymbolExpression(head, type, pointers, parts[1..]);
    }

    private static bool IsIdentifier(string s) =>
        s.Length > 0 && !char.IsAsciiDigit(s[0]) && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
