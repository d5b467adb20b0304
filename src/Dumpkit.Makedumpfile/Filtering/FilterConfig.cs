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
    /// <summary><c>SYMBOL:TYPE[N]</c>: the global is an array of N TYPEs (BTF has no array types of its own for globals); 0: not.</summary>
    public uint ArrayLength { get; init; }

    /// <summary>The expression as makedumpfile's config has it (no type): what its eraseinfo names.</summary>
    public string MakedumpfileText => Symbol + string.Concat(Members.Select(m => "." + m));

    public override string ToString() => Symbol + (TypeName is null ? "" : ":" + TypeName + new string('*', PointerDepth))
        + (ArrayLength > 0 ? $"[{ArrayLength}]" : "") + string.Concat(Members.Select(m => "." + m));
}

/// <summary>
/// One <c>erase</c> command (makedumpfile.conf(5)): what, and how much (a size, a size read from memory, or nullify);
/// inside a loop, <see cref="Loop"/> is the loop, whose iteration variable the target and size may start from.
/// </summary>
internal sealed record EraseCommand(int Line, SymbolExpression Target, long? Size, SymbolExpression? SizeFrom, bool Nullify)
{
    public ForLoop? Loop { get; init; }

    /// <summary>The <c>[module]</c> section the command is in; null: <c>[vmlinux]</c> (or before any section).</summary>
    public string? Module { get; init; }
}

/// <summary>
/// <c>for ID in LIST [via NEXT | within STRUCT:MEMBER]</c> … <c>endfor</c>: the elements of an array, of a chain of structures
/// linked by their NEXT pointer, or of a list_head list (each element the STRUCT holding the MEMBER on the list).
/// </summary>
internal sealed record ForLoop(int Line, string Id, SymbolExpression List, string? Via, string? WithinStruct, string? WithinMember);

/// <summary>
/// makedumpfile's filter config file (makedumpfile.conf(5)): <c>[vmlinux]</c> and <c>[module]</c> sections,
/// <c>erase EXPR [size N[K|M] | size EXPR | nullify]</c>, <c>for ... endfor</c> loops, <c>#</c> comments.
/// Problems are makedumpfile's "Config error at LINE: ..." lines.
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
            return Cli.BoundedFile.ReadAllText(path, MaxBytes);
        }
        catch (Cli.FileTooLargeException)
        {
            msg.Fail($"Can't read config file({path}). It is larger than {MaxBytes >> 20} MiB.");
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string why = e is Cli.NotRegularFileException ? e.Message : Directory.Exists(path) ? "Is a directory" : VmlinuxCheck.Strerror(e);
            msg.Fail($"Can't open config file({path}). {why}");
            return null;
        }
    }

    /// <summary>
    /// The commands in the file's order. The lines of a <c>[module]</c> section whose module <paramref name="isLoaded"/> says is
    /// not in the dump are passed over unread, as makedumpfile passes them; without it every section is read.
    /// </summary>
    public static List<EraseCommand> Parse(string text, List<(int Line, string Message)> errors, Func<string, bool>? isLoaded = null)
    {
        var commands = new List<EraseCommand>();
        string module = "vmlinux";
        int loopStart = 0;
        ForLoop? loop = null;
        bool skipping = false;
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
                continue;
            }
            var words = s.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0 || module.Length == 0 || (module != "vmlinux" && isLoaded is not null && !isLoaded(module)))
                continue;
            if (loop is not null && words[0] == "endfor")
            {
                loop = null;
                loopStart = 0;
                continue;
            }
            if (words[0] == "for" && loop is null && loopStart == 0)
            {
                loopStart = line;
                loop = ParseFor(line, words, errors);
                if (loop is null)
                    skipping = true;
                continue;
            }
            if (skipping)
            {
                if (words[0] == "endfor")
                    (skipping, loopStart) = (false, 0);
                continue;
            }
            if (words[0] != "erase")
            {
                errors.Add((line, $"Invalid token '{words[0]}'."));
                continue;
            }
            if (ParseErase(line, words, errors) is { } command)
                commands.Add(command with { Loop = loop, Module = module == "vmlinux" ? null : module });
        }
        if (loopStart > 0)
            errors.Add((loopStart, $"No matching 'endfor' found."));
        return commands;
    }

    /// <summary>A loop's first line, or null (the message written; its body is then skipped).</summary>
    private static ForLoop? ParseFor(int line, string[] words, List<(int Line, string Message)> errors)
    {
        if (words.Length < 2 || !IsIdentifier(words[1]))
        {
            errors.Add((line, "expected iteration VAR entry after 'for' keyword."));
            return null;
        }
        if (words.Length < 3 || words[2] != "in")
        {
            errors.Add((line, "expected token 'in'."));
            return null;
        }
        if (words.Length < 4 || ParseExpression(words[3]) is not { } list)
        {
            errors.Add((line, "expected list symbol after 'in' keyword."));
            return null;
        }
        if (words.Length == 4)
            return new ForLoop(line, words[1], list, null, null, null);
        if (words[4] == "via")
        {
            if (words.Length == 6 && IsIdentifier(words[5]))
                return new ForLoop(line, words[1], list, words[5], null, null);
            errors.Add((line, "expected member name after 'via' keyword."));
            return null;
        }
        if (words[4] == "within" && words.Length == 6)
        {
            int colon = words[5].IndexOf(':');
            string name = colon < 0 ? words[5] : words[5][..colon];
            string member = colon < 0 ? "list" : words[5][(colon + 1)..];
            if (IsIdentifier(name) && IsIdentifier(member))
                return new ForLoop(line, words[1], list, null, name, member);
            errors.Add((line, "expected struct name after 'within' keyword."));
            return null;
        }
        errors.Add((line, $"Invalid token '{words[4]}'."));
        return null;
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
        uint length = 0;
        int colon = head.IndexOf(':');
        if (colon >= 0)
        {
            type = head[(colon + 1)..];
            head = head[..colon];
            int open = type.IndexOf('[');
            if (open > 0 && type.EndsWith(']'))
            {
                if (parts.Length > 1 || !uint.TryParse(type[(open + 1)..^1], NumberStyles.None, CultureInfo.InvariantCulture, out length)
                    || length == 0)
                    return null;
                type = type[..open];
            }
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
        return new SymbolExpression(head, type, pointers, parts[1..]) { ArrayLength = length };
    }

    private static bool IsIdentifier(string s) =>
        s.Length > 0 && !char.IsAsciiDigit(s[0]) && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
