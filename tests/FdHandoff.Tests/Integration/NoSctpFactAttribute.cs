using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration;

/// <summary>A fact about a kernel without SCTP; skipped, saying so, on one that has it (tests/vm covers that case).</summary>
public sealed class NoSctpFactAttribute : FactAttribute
{
    public NoSctpFactAttribute()
    {
        if (Kernel.HasSctp) Skip = "this kernel has SCTP: the no-SCTP behaviour cannot be seen here (tests/vm tests SCTP itself)";
    }
}
