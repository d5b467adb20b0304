// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Crash.Commands;

/// <summary>What <c>vm</c> prints besides the memory areas (crash's PHYSADDR, PRINT_MM_STRUCT, ... flags).</summary>
[Flags]
internal enum VmMode
{
    None = 0,
    Physical = 1,
    MmStruct = 2,
    VmaStructs = 4,
    SingleVma = 8,
}

/// <summary>
/// <c>vm</c>'s options read as crash's getopt string <c>f:pmvR:P:xdM:</c> reads them (<see cref="CrashGetopt"/>: clustered, with their argument
/// attached or next, before or after the task arguments): <c>-p -m -v -P -f</c> exclude each other, <c>-R</c> goes only
/// with <c>-p</c> and only once, <c>-d</c> and <c>-x</c> exclude each other; errors in crash's words.
/// </summary>
internal sealed class VmOptions
{
    public static readonly VmOptions Plain = new();

    public VmMode Mode { get; private set; }
    public bool Hex { get; private set; }
    public ulong SingleVma { get; private set; }
    public ulong? ForcedMm { get; private set; }
    public string? Reference { get; private set; }
    public List<string> Targets { get; } = [];

    /// <summary>The options of one <c>vm</c> command; null when <c>-f</c> printed its line and the command is done.</summary>
    public static VmOptions? Parse(CrashSession session, ICrashCommand command, string[] args)
    {
        var o = new VmOptions();
        bool errors = false;
        int radix = 0;
        var (options, words) = CrashGetopt.Parse(command, args, "f:pmvR:P:xdM:");
        o.Targets.AddRange(words);
        foreach (var (c, value) in options)
        {
            switch (c)
            {
                case '?': // getopt's sentence: an unknown letter or a missing argument ends the command here
                    throw new CommandException($"{value}\n{CrashSession.Usage(command).Message}");
                case 'M':
                    o.ForcedMm = Hex64(value!);
                    break;
                case 'f':
                    if (o.Mode != VmMode.None)
                    {
                        errors = true;
                        break;
                    }
                    ulong flags = Hex64(value!);
                    session.Out.WriteLine($"{flags:x}: ({VmFlags.Names(flags)})");
                    return null;
                case 'p': errors |= !o.Set(VmMode.Physical); break;
                case 'm': errors |= !o.Set(VmMode.MmStruct); break;
                case 'v': errors |= !o.Set(VmMode.VmaStructs); break;
                case 'P':
                    if (o.Set(VmMode.SingleVma))
                        o.SingleVma = Hex64(value!);
                    else
                        errors = true;
                    break;
                case 'R':
                    if (o.Reference is not null)
                    {
                        session.Out.WriteLine("vm: only one -R option allowed");
                        errors = true;
                    }
                    else if (o.Mode != VmMode.None && o.Mode != VmMode.Physical)
                        errors = true;
                    else
                    {
                        o.Reference = value;
                        o.Mode |= VmMode.Physical;
                    }
                    break;
                case 'x':
                    if (radix == 10)
                        throw new CommandException("vm: -d and -x are mutually exclusive");
                    radix = 16;
                    break;
                case 'd':
                    if (radix == 16)
                        throw new CommandException("vm: -d and -x are mutually exclusive");
                    radix = 10;
                    break;
            }
        }
        if (errors)
            throw CrashSession.Usage(command);
        o.Hex = radix == 16;
        return o;
    }

    /// <summary>
    /// <c>foreach vm</c>'s flags as crash's foreach checks them: one of <c>-p</c>, <c>-m</c>, <c>-v</c>, <c>-x</c> or
    /// <c>-d</c> for their radix, <c>-R</c> with <c>-p</c> or alone; null when <paramref name="flags"/> holds another flag.
    /// </summary>
    public static VmOptions? ForForeach(string flags, string? reference)
    {
        var o = new VmOptions { Reference = reference };
        if (flags.Contains('x') && flags.Contains('d'))
            throw new CommandException("foreach: vm: -x and -d options are mutually exclusive");
        if (flags.Count(c => c is 'p' or 'm' or 'v') > 1)
            throw new CommandException("foreach: vm command accepts only one of -p, -m or -v flags");
        foreach (char c in flags)
        {
            switch (c)
            {
                case 'p': o.Mode = VmMode.Physical; break;
                case 'm': o.Mode = VmMode.MmStruct; break;
                case 'v': o.Mode = VmMode.VmaStructs; break;
                case 'x': o.Hex = true; break;
                case 'd': break;
                default: return null;
            }
        }
        if (reference is not null && o.Mode is VmMode.MmStruct or VmMode.VmaStructs)
            throw new CommandException($"foreach: vm: -{(o.Mode == VmMode.MmStruct ? 'm' : 'v')} is not applicable to the -R option");
        return o;
    }

    private bool Set(VmMode mode)
    {
        if (Mode != VmMode.None)
            return false;
        Mode = mode;
        return true;
    }

    private static ulong Hex64(string text) =>
        CrashSession.TryParseHex(text, out ulong v) ? v : throw new CommandException($"vm: invalid input: \"{text}\"");
}
