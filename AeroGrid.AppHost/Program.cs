Console.WriteLine("AeroGrid AppHost");
