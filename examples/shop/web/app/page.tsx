type Item = { id: number; name: string };

async function getItems(): Promise<Item[]> {
  const res = await fetch(`${process.env.NEXT_PUBLIC_API_URL}/items`, { cache: 'no-store' });
  return res.json();
}

export default async function Home() {
  const items = await getItems();
  return (
    <ul>
      {items.map((i) => (
        <li key={i.id}>{i.name}</li>
      ))}
    </ul>
  );
}
