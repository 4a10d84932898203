// A small store for commerce events: a fixed product catalog (so a SKU always has the same name and
// price) and the web page or app screen each kind of event happens on.
import { round2, type Random } from './random';

export interface Product {
  sku: string;
  name: string;
  category: string;
  price: number;
}

const SHOP = 'https://shop.example.com';

// Our own small assortment: faker's product names ("Elegant Steel Pizza") read as a joke in a demo.
// [category, variants, items as [name, lowest price, highest price]]
const ASSORTMENT: [string, string[], [string, number, number][]][] = [
  [
    'Clothing',
    ['Black', 'Navy', 'Heather Gray', 'Olive', 'White', 'Burgundy'],
    [
      ['Crewneck T-Shirt', 12, 30],
      ['Oxford Shirt', 35, 70],
      ['Slim Jeans', 45, 90],
      ['Hooded Sweatshirt', 35, 65],
      ['Rain Jacket', 80, 160],
      ['Merino Sweater', 55, 120]
    ]
  ],
  [
    'Shoes',
    ['Black', 'White', 'Tan', 'Gray'],
    [
      ['Running Shoes', 70, 150],
      ['Leather Boots', 110, 220],
      ['Canvas Sneakers', 40, 75],
      ['Slides', 20, 40]
    ]
  ],
  [
    'Home',
    ['Linen', 'Sage', 'Charcoal', 'Ivory', 'Terracotta'],
    [
      ['Bath Towel Set', 25, 60],
      ['Throw Blanket', 30, 70],
      ['Table Lamp', 40, 120],
      ['Cotton Sheet Set', 50, 130],
      ['Ceramic Mug', 10, 20]
    ]
  ],
  [
    'Kitchen',
    ['Classic', 'Pro', 'Everyday'],
    [
      ['Chef Knife', 35, 110],
      ['Nonstick Pan', 30, 80],
      ['French Press', 25, 45],
      ['Blender', 60, 180]
    ]
  ],
  [
    'Electronics',
    ['Black', 'White', 'Midnight', 'Silver'],
    [
      ['Wireless Earbuds', 50, 180],
      ['Bluetooth Speaker', 40, 130],
      ['USB-C Charger', 15, 35],
      ['Smart Watch', 150, 300],
      ['Mechanical Keyboard', 70, 160]
    ]
  ],
  [
    'Beauty',
    ['Unscented', 'Lavender', 'Citrus', 'Rose'],
    [
      ['Face Moisturizer', 15, 45],
      ['Shampoo', 8, 22],
      ['Lip Balm', 4, 9],
      ['Eau de Parfum', 45, 120]
    ]
  ],
  [
    'Sports',
    ['Blue', 'Black', 'Coral', 'Green'],
    [
      ['Yoga Mat', 20, 60],
      ['Water Bottle', 15, 35],
      ['Adjustable Dumbbells', 40, 150],
      ['Tennis Racket', 60, 180]
    ]
  ],
  [
    'Toys',
    ['Starter', 'Deluxe', 'Mini'],
    [
      ['Building Blocks', 20, 80],
      ['Board Game', 20, 50],
      ['Plush Bear', 12, 30],
      ['Jigsaw Puzzle', 12, 25]
    ]
  ],
  [
    'Grocery',
    ['Organic', 'Fair Trade', 'Family Size'],
    [
      ['Coffee Beans', 10, 22],
      ['Olive Oil', 9, 25],
      ['Dark Chocolate', 3, 8]
    ]
  ]
];

const CATEGORIES = ASSORTMENT.map(([category]) => category);

export function productCatalog(rng: Random, size = 60): Product[] {
  const skus = new Set<string>();
  const names = new Set<string>();
  const products: Product[] = [];
  while (products.length < size) {
    const [category, variants, items] = rng.pick(ASSORTMENT);
    const [item, low, high] = rng.pick(items);
    const name = `${rng.pick(variants)} ${item}`;
    const sku = `SKU-${rng.digits(6)}`;
    if (skus.has(sku) || names.has(name)) continue;
    skus.add(sku);
    names.add(name);
    // Shelf prices end in .99
    products.push({ sku, name, category, price: round2(Math.floor(rng.between(low, high)) + 0.99) });
  }
  return products;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

const SEARCHES = ['gift', 'sale', 'jacket', 'headphones', 'mug', 'running', 'blanket', 'coffee'];

export function webPage(rng: Random, eventType: string, product?: Product): { name: string; url: string } {
  switch (eventType) {
    case 'commerce.productView':
    case 'commerce.productListAdd':
      if (product)
        return { name: `product: ${product.name}`, url: `${SHOP}/p/${slug(product.name)}/${product.sku}` };
      break;
    case 'commerce.checkout':
    case 'commerce.checkoutAbandoned':
      return { name: 'checkout', url: `${SHOP}/checkout` };
    case 'commerce.purchase':
      return { name: 'order confirmation', url: `${SHOP}/checkout/confirmation` };
    case 'user.login':
      return { name: 'sign in', url: `${SHOP}/account/sign-in` };
  }
  const r = rng.float();
  if (r < 0.35) return { name: 'home', url: `${SHOP}/` };
  if (r < 0.75) {
    const dept = rng.pick(CATEGORIES);
    return { name: `category: ${dept.toLowerCase()}`, url: `${SHOP}/c/${slug(dept)}` };
  }
  if (r < 0.88) return { name: 'search results', url: `${SHOP}/search?q=${rng.pick(SEARCHES)}` };
  if (r < 0.95) return { name: 'deals', url: `${SHOP}/deals` };
  return { name: 'store locator', url: `${SHOP}/stores` };
}

const SCREENS: Record<string, string> = {
  'app.launch': 'Home',
  'commerce.productView': 'Product Detail',
  'commerce.productListAdd': 'Product Detail',
  'commerce.checkout': 'Checkout',
  'commerce.checkoutAbandoned': 'Cart',
  'commerce.purchase': 'Order Confirmation',
  'user.login': 'Sign In'
};
const BROWSE_SCREENS = ['Home', 'Search', 'Category', 'Category', 'Deals', 'Account'];

export function appScreen(rng: Random, eventType: string): string {
  return SCREENS[eventType] ?? rng.pick(BROWSE_SCREENS);
}
