using PulsePoint.Tenancy;

namespace PulsePoint.Operators;

/// <summary>
/// Silo-side guard of the operator interfaces: a call to a method of an <see cref="IOperatorGrain"/> interface is admitted
/// only when its <c>RequestContext</c> carries an operator marker that verifies with the cluster's
/// <see cref="OperatorCallKey"/> for this grain and method (<see cref="OperatorSignature"/>). Anything else — no marker, a
/// forged one, one made for another call, an old one — is refused before the grain runs.
/// </summary>
internal sealed class OperatorCallFilter(OperatorCallKey key, TimeProvider time) : IIncomingGrainCallFilter
{
    // Every grain call passes here: a call that is not an operator's goes straight on, without an async frame of its own.
    public Task Invoke(IIncomingGrainCallContext context) => IsOperatorCall(context) ? InvokeCheckedAsync(context) : context.Invoke();

    private async Task InvokeCheckedAsync(IIncomingGrainCallContext context)
    {
        if (!OperatorSignature.Verify(await key.GetAsync(), RequestContext.Get(OperatorSignature.RequestContextKey) as string,
                context.TargetId, context.InterfaceType, context.MethodName, time.GetUtcNow()))
        {
            throw new OperatorCallRefusedException(
                $"{context.InterfaceName}.{context.MethodName} is an operator operation; it is reached through the silo's admin endpoints and command-line verbs, not from a backend service.");
        }

        await context.Invoke();
    }

    internal static bool IsOperatorCall(IGrainCallContext context) =>
        context.InterfaceMethod?.DeclaringType is { } declaring && typeof(IOperatorGrain).IsAssignableFrom(declaring);
}
