// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kernel.Sched;

/// <summary>
/// A task's state as crash names it, from <c>__state | exit_state</c> and the kernel's state bits
/// (include/linux/sched.h, the same since 4.14: the order of <c>task_state_array</c> "R S D T t X Z P I"
/// plus TASK_DEAD, WAKEKILL, WAKING, NOLOAD, NEW after PARKED).
/// </summary>
public static class TaskStates
{
    public const uint Interruptible = 0x1, Uninterruptible = 0x2, Stopped = 0x4, Traced = 0x8;
    public const uint ExitDead = 0x10, ExitZombie = 0x20, Parked = 0x40, Dead = 0x80;
    public const uint WakeKill = 0x100, Waking = 0x200, NoLoad = 0x400, New = 0x800;

    /// <summary>
    /// crash's two letters: RU IN UN ID ZO ST TR DE PA WA NE, "??" for none. As crash does, the
    /// last test that matches wins (a sleeping task marked TASK_NOLOAD is ID, not UN).
    /// </summary>
    public static string Short(uint state, uint exitState)
    {
        uint s = state | exitState;
        string text = "??";
        bool set = false;
        if (s == 0) text = "RU";
        if ((s & Interruptible) != 0) (text, set) = ("IN", true);
        if ((s & Uninterruptible) != 0) (text, set) = ((s & NoLoad) != 0 ? "ID" : "UN", true);
        if ((s & ExitZombie) != 0) (text, set) = ("ZO", true);
        if ((s & Stopped) != 0) (text, set) = ("ST", true);
        if ((s & Traced) != 0) (text, set) = ("TR", true);
        if ((s & (ExitDead | Dead)) != 0 && !set) text = "DE";
        if (s == Parked) text = "PA";
        if (s == Waking) text = "WA";
        if (s == New) text = "NE";
        return text;
    }

    /// <summary>The names crash's <c>set</c> prints: <c>TASK_RUNNING</c>, <c>TASK_UNINTERRUPTIBLE|TASK_NOLOAD</c>, ...</summary>
    public static string Verbose(uint state, uint exitState)
    {
        uint s = state | exitState;
        if (s == Parked)
            return "TASK_PARKED";
        var names = new List<string>();
        if (s == 0) names.Add("TASK_RUNNING");
        if ((s & Interruptible) != 0) names.Add("TASK_INTERRUPTIBLE");
        if ((s & Uninterruptible) != 0) names.Add("TASK_UNINTERRUPTIBLE");
        if ((s & Stopped) != 0) names.Add("TASK_STOPPED");
        if ((s & Traced) != 0) names.Add("TASK_TRACED");
        if ((s & (ExitDead | Dead)) != 0)
            names.Add(System.Numerics.BitOperations.PopCount(s & (ExitDead | Dead)) > 1 ? "EXIT_DEAD|TASK_DEAD" : "EXIT_DEAD");
        if ((s & ExitZombie) != 0) names.Add("EXIT_ZOMBIE");
        if ((s & Waking) != 0) names.Add("TASK_WAKING");
        if ((s & WakeKill) != 0) names.Add("TASK_WAKEKILL");
        if ((s & NoLoad) != 0) names.Add("TASK_NOLOAD");
        if ((s & New) != 0) names.Add("TASK_NEW");
        return names.Count == 0 ? "(unknown)" : string.Join('|', names);
    }
}
