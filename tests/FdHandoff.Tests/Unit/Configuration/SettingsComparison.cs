using System.Collections;
using System.Reflection;
using FdHandoff.Supervisor.Configuration;

namespace FdHandoff.Tests.Unit.Configuration;

/// <summary>
/// Settings compared property by property, found by reflection (the test is not NativeAOT-compiled): a property
/// added later is compared without a change here. <see cref="SupervisorSettings.Version"/> is not a key.
/// </summary>
internal static class SettingsComparison
{
    public static void AssertEqual(object? expected, object? actual, string path = "settings")
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: {expected ?? "null"} vs {actual ?? "null"}");
            return;
        }
        if (!IsOurs(expected.GetType()))
        {
            if (expected is IDictionary e && actual is IDictionary a)
                Assert.True(e.Count == a.Count && e.Keys.Cast<object>().All(k => a.Contains(k) && Equals(e[k], a[k])), $"{path} differs");
            else if (expected is IEnumerable es and not string && actual is IEnumerable @as)
            {
                var (el, al) = (es.Cast<object>().ToList(), @as.Cast<object>().ToList());
                Assert.True(el.Count == al.Count, $"{path}: {el.Count} entries vs {al.Count}");
                for (int i = 0; i < el.Count; i++) AssertEqual(el[i], al[i], $"{path}[{i}]");
            }
            else Assert.True(expected.Equals(actual), $"{path}: {expected} vs {actual}");
            return;
        }
        foreach (var property in Properties(expected.GetType()))
            AssertEqual(Value(property, expected), Value(property, actual), $"{path}.{property.Name}");
    }

    /// <summary>Every property of the settings (and of their Workers) is other than in <paramref name="defaults"/>.</summary>
    public static void AssertDifferentEverywhere(SupervisorSettings sample, SupervisorSettings defaults)
    {
        foreach (var (property, owner, other) in Properties(typeof(SupervisorSettings)).Where(p => p.Name is not nameof(SupervisorSettings.Workers) and not nameof(SupervisorSettings.Version)).Select(p => (p, (object)sample, (object)defaults))
            .Concat(Properties(typeof(WorkerSettings)).Select(p => (p, (object)sample.Workers, (object)defaults.Workers))))
        {
            bool same;
            try
            {
                AssertEqual(Value(property, owner), Value(property, other));
                same = true;
            }
            catch (Xunit.Sdk.XunitException)
            {
                same = false;
            }
            Assert.False(same, $"{property.DeclaringType!.Name}.{property.Name} is at its default in the sample: give it another value, so the round trip proves it");
        }
    }

    private static bool IsOurs(Type type) => type.Namespace?.StartsWith("FdHandoff", StringComparison.Ordinal) == true && !type.IsEnum;

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && p.Name != nameof(SupervisorSettings.Version));

    // A property that throws (a unix listener's PrimaryEndPoint) compares by the exception's type.
    private static object? Value(PropertyInfo property, object owner)
    {
        try
        {
            return property.GetValue(owner);
        }
        catch (TargetInvocationException e)
        {
            return e.InnerException!.GetType();
        }
    }
}
