// Placeholder entry, replaced as the commands land.
console.log('parley');
