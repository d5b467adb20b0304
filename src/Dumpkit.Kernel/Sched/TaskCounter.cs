// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel.Btf;
using Dumpkit.Kernel.Kallsyms;

namespace Dumpkit.Kernel.Sched;

/// <summary>
/// How many tasks the kernel had: the threads of <see cref="TaskList"/> plus the idle tasks of the
/// other CPUs, which are on no list (crash's TASKS count).
/// </summary>
public static class TaskCounter
{
    public static int Count(KernelMemory memory, KallsymsTable symbols, BtfTypes types, int cpus) =>
        new TaskList(memory, symbols, types).Read().Count + Math.Max(0, cpus - 1);
}
