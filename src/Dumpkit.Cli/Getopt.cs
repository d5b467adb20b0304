// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Cli;

/// <summary>Whether an option takes an argument (getopt_long's <c>has_arg</c>).</summary>
public enum Arity
{
    /// <summary>A flag: <c>-x</c>, <c>--name</c>.</summary>
    None,
    /// <summary><c>-xVALUE</c>, <c>-x VALUE</c>, <c>--name=VALUE</c>, <c>--name VALUE</c>.</summary>
    Required,
    /// <summary>Only attached: <c>-xVALUE</c>, <c>--name=VALUE</c>; <c>-x</c> and <c>--name</c> give no value.</summary>
    Optional,
}

/// <summary>
/// One row of an option table: a long name, a short letter or both (<see cref="NoShort"/> for none).
/// Commands derive their own rows from it to carry what the option does.
/// </summary>
public record Option(string? Long, char Short, Arity Arity)
{
    public const char NoShort = '\0';
}

/// <summary>An option as the command line gave it (<see cref="Option"/> set, <see cref="Value"/> its
/// argument or null), or a non-option argument (<see cref="Option"/> null, <see cref="Value"/> the text).
/// <see cref="Argument"/> is the argv element the option was found in.</summary>
public readonly record struct Parsed<T>(T? Option, string? Value, string Argument) where T : Option
{
    public bool IsPositional => Option is null;
}

public enum GetoptError
{
    /// <summary>A short letter not in the table: <c>invalid option -- 'x'</c>.</summary>
    InvalidOption,
    /// <summary>A long name not in the table: <c>unrecognized option '--foo'</c>.</summary>
    UnrecognizedOption,
    /// <summary>A prefix of several long names: <c>option '--fo' is ambiguous; possibilities: ...</c>.</summary>
    AmbiguousOption,
    /// <summary><c>option requires an argument -- 'x'</c>, <c>option '--foo' requires an argument</c>.</summary>
    MissingArgument,
    /// <summary>A value given to a flag: <c>option '--foo' doesn't allow an argument</c>.</summary>
    ArgumentNotAllowed,
}

/// <summary>A command line getopt refuses; <see cref="Exception.Message"/> is glibc's sentence for it
/// (without the program name).</summary>
public sealed class GetoptException(GetoptError error, string name, string argument, string message, IReadOnlyList<string>? possibilities = null)
    : Exception(message)
{
    public GetoptError Error { get; } = error;

    /// <summary>The option as written, without any <c>=VALUE</c>: <c>-x</c> or <c>--foo</c>.</summary>
    public string Name { get; } = name;

    /// <summary>The a argv element the error is in.</summary>
    public string Argument { get; } = argument;

    /// <summary>For <see cref="GetoptError.AmbiguousOption"/>, the long names the prefix matches, in table order.</summary>
    public IReadOnlyList<string> Possibilities { get; } = possibilities ?? [];
}

/// <summary>
/// getopt_long over an option table: bundled short flags (<c>-abc</c>), short arguments attached or
/// separate (<c>-d31</c>, <c>-d 31</c>), long options with <c>=VALUE</c> or a separate value,
/// unique prefixes of long names (an exact name always wins), optional arguments (attached only),
/// <c>--</c> ending the options, "-" as a non-option, and non-options anywhere (GNU order: they come
/// out where they stand). <see cref="Parse"/> yields lazily, so a command acting on each option in
/// turn sees the options before an error and not those after it, as with getopt's loop.
/// The switches cover the hand-written loops the commands had before (their behaviour is kept):
/// with all at their defaults this is glibc's getopt_long, except that "--=VALUE" (an empty name)
/// is unrecognized where glibc calls it ambiguous.
/// </summary>
public sealed class Getopt<T>(IReadOnlyList<T> table) where T : Option
{
    /// <summary>A unique prefix selects a long option (getopt_long); false: exact names only.</summary>
    public bool LongPrefixes { get; init; } = true;

    /// <summary>Short flags may share one argument (<c>-abc</c>); false: after a flag the argument must
    /// end (<c>-ab</c> is <see cref="GetoptError.ArgumentNotAllowed"/> for <c>-a</c>).</summary>
    public bool BundledShorts { get; init; } = true;

    /// <summary>"--" ends the options; false: "--" is an (unrecognized) option like any other.</summary>
    public bool DoubleDashEnds { get; init; } = true;

    /// <summary>"--flag=VALUE" gives the flag and drops VALUE; false (glibc): it is an error.</summary>
    public bool IgnoreFlagValues { get; init; }

    public IReadOnlyList<T> Table { get; } = table;

    public IEnumerable<Parsed<T>> Parse(IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a == "--" && DoubleDashEnds)
            {
                for (i++; i < args.Count; i++)
                    yield return new(null, args[i], args[i]);
                yield break;
            }
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                int eq = a.IndexOf('=', 2);
                string name = eq < 0 ? a[2..] : a[2..eq];
                string? value = eq < 0 ? null : a[(eq + 1)..];
                T opt = FindLong(name, a);
                switch (opt.Arity)
                {
                    case Arity.None when value is not null:
                        if (!IgnoreFlagValues)
                            throw new GetoptException(GetoptError.ArgumentNotAllowed, "--" + name, a,
                                $"option '--{opt.Long}' doesn't allow an argument");
                        value = null;
                        break;
                    case Arity.Required when value is null:
                        if (i + 1 >= args.Count)
                            throw new GetoptException(GetoptError.MissingArgument, "--" + name, a,
                                $"option '--{opt.Long}' requires an argument");
                        value = args[++i];
                        break;
                }
                yield return new(opt, value, a);
                continue;
            }
            if (a.Length > 1 && a[0] == '-')
            {
                for (int k = 1; k < a.Length; k++)
                {
                    char c = a[k];
                    T opt = FindShort(c) ?? throw new GetoptException(GetoptError.InvalidOption, $"-{c}", a,
                        $"invalid option -- '{c}'");
                    bool rest = k + 1 < a.Length;
                    if (opt.Arity == Arity.None)
                    {
                        if (rest && !BundledShorts)
                            throw new GetoptException(GetoptError.ArgumentNotAllowed, $"-{c}", a,
                                $"option '-{c}' doesn't allow an argument");
                        yield return new(opt, null, a);
                        continue;
                    }
                    string? value;
                    if (rest) value = a[(k + 1)..];
                    else if (opt.Arity == Arity.Optional) value = null;
                    else if (i + 1 < args.Count) value = args[++i];
                    else
                        throw new GetoptException(GetoptError.MissingArgument, $"-{c}", a,
                            $"option requires an argument -- '{c}'");
                    yield return new(opt, value, a);
                    break;
                }
                continue;
            }
            yield return new(null, a, a);
        }
    }

    private T? FindShort(char c)
    {
        if (c == Option.NoShort) return null;
        foreach (var o in Table)
            if (o.Short == c) return o;
        return null;
    }

    private T FindLong(string name, string argument)
    {
        foreach (var o in Table)
            if (o.Long == name) return o;
        if (LongPrefixes && name.Length > 0)
        {
            var matches = new List<T>();
            foreach (var o in Table)
                if (o.Long is not null && o.Long.StartsWith(name, StringComparison.Ordinal))
                    matches.Add(o);
            if (matches.Count == 1)
                return matches[0];
            if (matches.Count > 1)
            {
                var names = matches.Select(m => m.Long!).ToList();
                throw new GetoptException(GetoptError.AmbiguousOption, "--" + name, argument,
                    $"option '{argument}' is ambiguous; possibilities:" + string.Concat(names.Select(n => $" '--{n}'")), names);
            }
        }
        throw new GetoptException(GetoptError.UnrecognizedOption, "--" + name, argument, $"unrecognized option '{argument}'");
    }
}
