// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;
using Dumpkit.Formats;
using Dumpkit.Kernel;
using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;
using Dumpkit.Crash.Commands;

namespace Dumpkit.Crash;

/// <summary>
/// One analysis session over a dump: the kernel's memory, its symbols (kallsyms) and types (BTF),
/// both read from the dump on first use, and the commands. <see cref="Execute"/> runs one command
/// line; a failing command prints crash's message and the session goes on.
/// </summary>
public sealed partial class CrashSession : IDisposable
{
    private KallsymsTable? _symbols;
    private BtfTypes? _types;
    private ModuleTypes? _moduleTypes;
    private readonly Dictionary<string, ICrashCommand> _commands = new(StringComparer.Ordinal);

    public KernelMemory Memory { get; }
    public Vmcoreinfo Info => Memory.Info;
    public string DumpPath => DumpPaths[0];

    /// <summary>The dump file, or the parts of a split set as given.</summary>
    public IReadOnlyList<string> DumpPaths { get; }
    public string? VmlinuxPath { get; }
    public TextWriter Out { get; private set; }

    internal IEnumerable<ICrashCommand> Commands => _commands.Values;

    public CrashSession(KernelMemory memory, string dumpPath, string? vmlinuxPath, TextWriter output)
        : this(memory, [dumpPath], vmlinuxPath, output)
    {
    }

    public CrashSession(KernelMemory memory, IReadOnlyList<string> dumpPaths, string? vmlinuxPath, TextWriter output)
    {
        if (dumpPaths.Count == 0) throw new ArgumentException("no dump file", nameof(dumpPaths));
        Memory = memory;
        DumpPaths = dumpPaths;
        VmlinuxPath = vmlinuxPath;
        Out = output;
        foreach (var c in new ICrashCommand[]
                 {
                     new SysCommand(), new LogCommand(), new SymCommand(), new RdCommand(), new StructCommand(), new StructCommand(union: true),
                     new PrintCommand(), new HelpCommand(), new QuitCommand("q"), new QuitCommand("exit"),
                     new BtCommand(), new ForeachCommand(),
                     new PsCommand(), new SetCommand(), new RunqCommand(), new ModCommand(),
                     new DisCommand(), new KmemCommand(),
                     new VmCommand(),
                     new FilesCommand(),
                     new TaskCommand(), new SigCommand(), new NetCommand(), new VtopCommand(),
                 })
            _commands[c.Name] = c;
    }

    /// <summary>The kernel's symbols; a command fails with crash's style of message when they cannot be read.</summary>
    public KallsymsTable Symbols
    {
        get
        {
            if (_symbols is null)
            {
                try { _symbols = KallsymsTable.Load(Memory); }
                catch (KernelDataException e)
                {
                    // Say why the read failed: a cut-short file, a filtered page, a page the dump never had.
                    string? why = e.Address is ulong at ? Memory.WhyUnreadable(at, e.Length) : null;
                    throw new CommandException($"crash: cannot read the kernel's symbols: {e.Message}{(why is null ? "" : $" ({why})")}");
                }
            }
            return _symbols;
        }
    }

    /// <summary>The kernel's types (BTF).</summary>
    public BtfTypes Types
    {
        get
        {
            if (_types is null)
            {
                try { _types = BtfTypes.Load(Memory.TryReadVirtual, Symbols); }
                catch (KernelDataException e) { throw new CommandException($"crash: cannot read the kernel's types: {e.Message}"); }
            }
            return _types;
        }
    }

    /// <summary>Types only modules define, from their own BTF (read when a name misses in vmlinux's types).</summary>
    internal ModuleTypes ModuleTypes => _moduleTypes ??= new ModuleTypes(this);

    internal ICrashCommand? Find(string name) => _commands.GetValueOrDefault(name);

    /// <summary>Runs one command line. False when it was <c>q</c> or <c>exit</c>.</summary>
    public bool Execute(string line)
    {
        var words = CommandLine.Split(line, out string? redirect, out bool append);
        if (words.Count == 0)
            return true;
        var name = words[0];
        var command = Find(name);
        if (command is QuitCommand)
            return false;

        var saved = Out;
        StreamWriter? file = null;
        try
        {
            if (redirect is not null)
            {
                try { file = new StreamWriter(redirect, append, new UTF8Encoding(false)); }
                catch (Exception e) when (Cli.SystemErrors.IsOpenFailure(e))
                {
                    Out.WriteLine($"crash: cannot open {redirect}: {Cli.SystemErrors.Text(e, redirect)}");
                    return true;
                }
                Out = file;
            }
            if (command is null)
            {
                Out.WriteLine($"crash: command not found: {name}");
                return true;
            }
            command.Run(this, words.Skip(1).ToArray());
        }
        catch (CommandException e)
        {
            Out.WriteLine(e.Message);
        }
        catch (KernelDataException e)
        {
            Out.WriteLine($"{name}: {e.Message}");
        }
        catch (KernelAddressException e)
        {
            Out.WriteLine($"{name}: {e.Message}");
        }
        catch (PageNotAvailableException e)
        {
            Out.WriteLine($"{name}: page excluded: physical address {e.Pfn << 12:x}");
        }
        finally
        {
            Out.Flush();
            if (file is not null)
            {
                Out = saved;
                file.Dispose();
            }
        }
        return true;
    }

    /// <summary>crash's usage error for a command.</summary>
    internal static CommandException Usage(ICrashCommand command) =>
        new($"Usage:\n{command.Synopsis}\nEnter \"help {command.Name}\" for details.");

    /// <summary>crash's message for an unknown symbol.</summary>
    internal static CommandException SymbolNotFound(string name) =>
        new($"symbol not found: {name}\npossible alternatives:\n  (none found)");

    /// <summary>
    /// A symbol name or a hexadecimal address (with or without 0x), as crash accepts them for
    /// <c>rd</c>, <c>sym</c>, <c>struct</c>: a symbol of that name wins.
    /// </summary>
    internal bool TryParseAddress(string arg, out ulong address, out KernelSymbol? symbol)
    {
        symbol = Symbols.Lookup(arg);
        if (symbol is KernelSymbol s)
        {
            address = s.Address;
            return true;
        }
        return TryParseHex(arg, out address);
    }

    internal static bool TryParseHex(string arg, out ulong value)
    {
        var s = arg.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? arg.AsSpan(2) : arg.AsSpan();
        return ulong.TryParse(s, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out value)
            && s.Length > 0;
    }

    /// <summary>True when crash would call the address a kernel virtual address (at or above the direct map).</summary>
    internal bool IsKernelVirtual(ulong address) => address >= (Memory.PageOffset ?? 0xffff_8000_0000_0000UL);

    /// <summary>A NUL-terminated string of at most <paramref name="max"/> bytes, or null when unreadable.</summary>
    internal string? ReadCString(ulong address, int max)
    {
        var buf = new byte[max];
        int got = 0;
        // Page by page, so that a string at the end of a mapped page still reads.
        while (got < max)
        {
            int n = Math.Min(max - got, 4096 - (int)((address + (ulong)got) & 0xfff));
            if (!Memory.TryReadVirtual(address + (ulong)got, buf.AsSpan(got, n)))
                break;
            int nul = buf.AsSpan(got, n).IndexOf((byte)0);
            if (nul >= 0)
                return Encoding.Latin1.GetString(buf, 0, got + nul);
            got += n;
        }
        return got == 0 ? null : Encoding.Latin1.GetString(buf, 0, got);
    }

    public void Dispose() => Memory.Dump.Dispose();
}
