using FdHandoff.Interop;

namespace FdHandoff.Unix;

/// <summary>The user this process acts as.</summary>
internal static class UnixUser
{
    /// <summary>The effective uid (geteuid(2)): whom files are created for and permission checks see.</summary>
    internal static uint EffectiveId => Accounts.EffectiveUserId;
}
