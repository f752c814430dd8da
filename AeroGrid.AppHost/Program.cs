using AeroGrid.AppHost.Publish;

if (args is ["publish", .. var publishArgs])
{
    return await PublishCommand.RunAsync(publishArgs, Console.Out, Console.Error);
}

Console.WriteLine("AeroGrid AppHost");
return 0;
