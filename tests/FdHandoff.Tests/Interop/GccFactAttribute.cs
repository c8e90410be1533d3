
namespace FdHandoff.Tests.Interop;

/// <summary>A fact that needs a C compiler; skipped, with the reason, where gcc is not installed.</summary>
public sealed class GccFactAttribute : FactAttribute
{
    public GccFactAttribute()
    {
        if (CCompiler.Path is null)
            Skip = "gcc is not on PATH: the interop layouts and constants cannot be checked against the C headers (apt-get install gcc)";
    }
}
