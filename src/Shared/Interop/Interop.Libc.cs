namespace FdHandoff.Interop;

/// <summary>
/// The flat native layer: one file per libc call (Interop.&lt;Call&gt;.cs), with the C structs and constants those
/// calls take, spelled as in C. Nothing outside src/Shared/Interop names this class: the rest of the code calls the
/// .NET-shaped types beside it (<see cref="SocketMessage"/>, <see cref="SocketOptions"/>, <see cref="NativeSocket"/>,
/// <see cref="Descriptors"/>, <see cref="FileCalls"/>...), which take <see cref="System.Runtime.InteropServices.SafeHandle"/>s
/// and spans, give descriptors as <see cref="SafeFd"/>s, and carry errno into a <see cref="NativeCallException"/>
/// or return it for <see cref="UnixError"/> to name.
/// </summary>
internal static partial class Libc
{
    internal const string Name = "libc";
}
