// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel;
using Dumpkit.Kernel.Modules;
using Dumpkit.Kernel.Sched;

namespace Dumpkit.Crash;

/// <summary>The session's tasks, modules and current context (crash's <c>set</c>), read on first use.</summary>
public sealed partial class CrashSession
{
    private ProcessTable? _processes;
    private ModuleList? _modules;
    private ulong? _context;

    /// <summary>Every task as <c>ps</c> lists it.</summary>
    public ProcessTable Processes => _processes ??= Load(() => ProcessTable.Read(Memory, Symbols, Types), "tasks");

    /// <summary>The loaded modules and their symbols.</summary>
    public ModuleList Modules => _modules ??= Load(() => ModuleList.Read(Memory, Symbols, Types), "modules");

    /// <summary>
    /// The task commands default to (crash's context): the panic task until <c>set</c> changes it;
    /// without one, the task running on the lowest CPU.
    /// </summary>
    public ProcessEntry? CurrentTask
    {
        get
        {
            var table = Processes;
            if (_context is ulong task && table.ByTask(task) is { } chosen)
                return chosen;
            return table.PanicTask ?? table.RunQueues.Cpus.Select(r => table.ByTask(r.Curr)).FirstOrDefault(e => e is not null);
        }
    }

    /// <summary>
    /// The task <c>set</c> chose, or null while none was chosen (then commands default to the panic
    /// task); reads the task table only when a task was chosen.
    /// </summary>
    internal ulong? ChosenTask => _context is ulong task && Processes.ByTask(task) is { } chosen ? chosen.Task : null;

    /// <summary>Makes a task the context.</summary>
    public void SetCurrentTask(ProcessEntry task) => _context = task.Task;

    /// <summary>
    /// The symbol an address is in, kernel or module: <c>(name, offset, module)</c> with module null for
    /// the kernel's own symbols; per-CPU offsets are not symbols here.
    /// </summary>
    public (string Name, ulong Offset, string? Module)? ResolveSymbol(ulong address)
    {
        if (Symbols.Resolve(address) is { } r)
            return r.Symbol.IsPerCpu ? null : (r.Symbol.Name, r.Offset, null);
        ModuleList modules;
        try { modules = Modules; }
        catch (CommandException) { return null; }
        return modules.Resolve(address) is { } m ? (m.Symbol.Name, m.Offset, m.Module.Name) : null;
    }

    private static T Load<T>(Func<T> read, string what)
    {
        try { return read(); }
        catch (KernelDataException e) { throw new CommandException($"crash: cannot read the kernel's {what}: {e.Message}"); }
        catch (KernelAddressException e) { throw new CommandException($"crash: cannot read the kernel's {what}: {e.Message}"); }
    }
}
